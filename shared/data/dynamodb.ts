import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One document client per container, reused across invocations (keeps its HTTP connections warm). */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient(endpoint ? { endpoint } : {});
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** DynamoDB's answer to a failed condition: the one error a conditional write expects. */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * A conditional write whose failed condition means there is nothing left to do (the item was deleted, or
 * changed by someone else first); any other error still throws.
 */
export const unlessConditionFails = (write: Promise<unknown>): Promise<void> =>
  write.then(
    () => undefined,
    (error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    },
  );
