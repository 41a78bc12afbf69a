import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { keyType, type TableDeclaration } from '#shared/data/tables';

export interface RunningEmulator {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * dynalite: DynamoDB's API in process, in memory unless given a folder. It has no transactions and never
 * expires items by TTL, so nothing here relies on either: uniqueness comes from conditional writes and
 * every read checks expiry itself.
 */
export async function startDynalite(options: { port: number; path?: string }): Promise<RunningEmulator> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The same table definition the stack deploys, as a CreateTable request. */
export function createTableInput(table: TableDeclaration, tableName: string) {
  const keys = new Set([
    table.partitionKey,
    ...table.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ]);
  const attributes: AttributeDefinition[] = [...keys].map((name) => ({
    AttributeName: name,
    AttributeType: keyType(table, name),
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributes,
    KeySchema: [{ AttributeName: table.partitionKey, KeyType: 'HASH' as const }],
    ...(table.indexes.length
      ? {
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: {
              ProjectionType: index.projection === 'keys' ? ('KEYS_ONLY' as const) : ('ALL' as const),
            },
          })),
        }
      : {}),
  };
}

/** Creates each table unless it exists, and waits until all are ACTIVE. */
export async function ensureTables(
  client: DynamoDBClient,
  tables: readonly TableDeclaration[],
  nameOf: (table: TableDeclaration) => string,
): Promise<void> {
  await Promise.all(
    tables.map(async (table) => {
      const TableName = nameOf(table);
      try {
        await client.send(new CreateTableCommand(createTableInput(table, TableName)));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      for (let attempt = 0; attempt < 100; attempt++) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName }));
        const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
          (index) => index.IndexStatus === 'ACTIVE',
        );
        if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`table ${TableName} did not become ACTIVE`);
    }),
  );
}
