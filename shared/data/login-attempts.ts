import {
  type DynamoDBDocumentClient,
  BatchGetCommand,
  DeleteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { loginAttemptsTable } from '#shared/data/tables';

export interface AttemptCounter {
  key: string;
  failures: number;
  /** Epoch seconds until which attempts are refused. */
  lockedUntil?: number;
  /** Epoch seconds; the counter is forgotten after (TTL deletes it, readers check it). */
  expiresAt: number;
}

export interface LoginAttemptsTable {
  /** The live counters among `keys` (expired ones are left out). */
  findCounters(keys: readonly string[], now: number): Promise<AttemptCounter[]>;
  /** Adds a failure, starting a new window when the old one has expired; returns the counter after. */
  addFailure(key: string, now: number, windowSeconds: number): Promise<AttemptCounter>;
  lock(key: string, until: number): Promise<void>;
  reset(key: string): Promise<void>;
}

export function loginAttemptsTableAccess(db: DynamoDBDocumentClient, tableName: string): LoginAttemptsTable {
  const keyOf = (key: string) => ({ [loginAttemptsTable.partitionKey]: key });
  return {
    async findCounters(keys, now) {
      if (keys.length === 0) return [];
      const result = await db.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: keys.map(keyOf), ConsistentRead: true } },
        }),
      );
      return ((result.Responses?.[tableName] ?? []) as AttemptCounter[]).filter((c) => c.expiresAt > now);
    },
    async addFailure(key, now, windowSeconds) {
      // One atomic update: a counter whose window has passed starts again at 1 with a new window.
      const counted = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression:
              'SET failures = if_not_exists(failures, :zero) + :one, expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression: 'attribute_not_exists(expiresAt) OR expiresAt > :now',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':expires': now + windowSeconds,
              ':now': now,
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      const result =
        counted ??
        (await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression: 'SET failures = :one, expiresAt = :expires REMOVE lockedUntil',
            ExpressionAttributeValues: { ':one': 1, ':expires': now + windowSeconds },
            ReturnValues: 'ALL_NEW',
          }),
        ));
      return result.Attributes as AttemptCounter;
    },
    async lock(key, until) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET lockedUntil = :until',
          ExpressionAttributeValues: { ':until': until },
        }),
      );
    },
    async reset(key) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keyOf(key) }));
    },
  };
}
