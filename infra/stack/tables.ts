import type { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { keyType, type TableDeclaration, tables } from '#shared/data/tables';

const attributeType = (table: TableDeclaration, name: string) =>
  keyType(table, name) === 'N' ? AttributeType.NUMBER : AttributeType.STRING;

export interface StackTables {
  /** The table a declaration names; a declaration the stack does not have is a synth error. */
  get(declaration: TableDeclaration): TableV2;
  entries(): [string, TableV2][];
}

/** The declared tables (shared/data/tables.ts): on demand, point-in-time recovery, TTL where declared. */
export function createTables(
  stack: Stack,
  options: { prod: boolean; removalPolicy: RemovalPolicy; withoutIndexes?: readonly string[] },
): StackTables {
  const unknown = (options.withoutIndexes ?? []).filter(
    (named) =>
      !tables.some((table) => table.indexes.some((index) => `${table.name}.${index.name}` === named)),
  );
  if (unknown.length) throw new Error(`withoutIndexes names no declared index: ${unknown.join(', ')}`);
  const included = (table: TableDeclaration) =>
    table.indexes.filter((index) => !options.withoutIndexes?.includes(`${table.name}.${index.name}`));
  const resources = new Map(
    tables.map((table) => {
      const resource = new TableV2(stack, `${table.name}-table`, {
        partitionKey: { name: table.partitionKey, type: attributeType(table, table.partitionKey) },
        timeToLiveAttribute: table.timeToLiveAttribute,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: options.prod,
        removalPolicy: options.removalPolicy,
        globalSecondaryIndexes: included(table).map((index) => ({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: attributeType(table, index.partitionKey) },
          sortKey: { name: index.sortKey, type: attributeType(table, index.sortKey) },
          ...(index.projection === 'keys' ? { projectionType: ProjectionType.KEYS_ONLY } : {}),
        })),
      });
      return [table.name, resource] as const;
    }),
  );
  return {
    get(declaration) {
      const table = resources.get(declaration.name);
      if (!table)
        throw new Error(`a function declares table ${declaration.name}, which the stack does not have`);
      return table;
    },
    entries: () => [...resources],
  };
}
