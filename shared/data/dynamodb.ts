import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableDeclaration } from '#shared/data/tables';

/** One document client per container, reused across invocations (keeps its HTTP connections warm). */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    // A slow or lost answer is abandoned and retried (DynamoDB answers in milliseconds), and the handler
    // answers its own 503 a second before the function's timeout: never Lambda's timeout behind a bare 500.
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 4000 },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The one way the adapters handle a conditional write: its result when the condition held, `undefined`
 * when it did not (DynamoDB's `ConditionalCheckFailedException`, an answer, not a failure). Any other error
 * still throws.
 */
export const whenConditionHolds = <T>(write: Promise<T>): Promise<T | undefined> =>
  write.catch((error: unknown) => {
    if (isConditionFailure(error)) return undefined;
    throw error;
  });

/** An index by the name its table declares: a renamed or removed index fails at load, not at query time. */
export function indexOf<T extends TableDeclaration>(
  table: T,
  name: T['indexes'][number]['name'],
): TableDeclaration['indexes'][number] {
  const index = table.indexes.find((candidate) => candidate.name === name);
  if (!index) throw new Error(`table ${table.name} declares no index ${name}`);
  return index;
}

/** `attribute_exists` of the table's partition key: "the item is there", whatever the key is called. */
export const itemExists = (table: TableDeclaration) => ({
  ConditionExpression: 'attribute_exists(#pk)',
  ExpressionAttributeNames: { '#pk': table.partitionKey },
});
