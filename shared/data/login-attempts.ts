import { type DynamoDBDocumentClient, DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { loginAttemptsTable } from '#shared/data/tables';

export interface AttemptCounter {
  key: string;
  /** Failures in the window, counting attempts reserved and not yet settled. */
  failures: number;
  /** Epoch seconds until which attempts are refused. */
  lockedUntil?: number;
  /** The count of failures that set the current lock: once it ends, one more attempt may be reserved. */
  lockedFailures?: number;
  /** Epoch seconds; the counter is forgotten after (TTL deletes it, readers check it). */
  expiresAt: number;
}

export type Reservation =
  { reserved: true; failures: number; expiresAt: number } | { reserved: false; counter?: AttemptCounter };

export interface LoginAttemptsTable {
  /**
   * Reserves one attempt on a counter, counted as a failure until it is settled, in one conditional write:
   * refused while the counter is locked, while `threshold` attempts are already counted, and, past the
   * threshold, while an attempt since the last lock is still unsettled. A window that has passed starts
   * again at 1. However many attempts arrive together, at most `threshold` get through, then one per lock.
   */
  reserve(key: string, now: number, threshold: number, windowSeconds: number): Promise<Reservation>;
  /** Locks the counter until `until`, recording the count of failures that locked it. */
  lock(key: string, until: number, failures: number): Promise<void>;
  /** Gives back a reservation whose attempt was not a failure (the IP counter only counts failures). */
  release(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  /**
   * Marks the counter's window as having refused a request: true for the first refusal of the window only,
   * so a flood of refused requests is reported once, not once per request.
   */
  noteRefusal(key: string): Promise<boolean>;
}

export function loginAttemptsTableAccess(db: DynamoDBDocumentClient, tableName: string): LoginAttemptsTable {
  const keyOf = (key: string) => ({ [loginAttemptsTable.partitionKey]: key });
  const counted = (result: { Attributes?: Record<string, unknown> } | undefined) =>
    result &&
    ({
      reserved: true,
      failures: Number(result.Attributes?.failures),
      expiresAt: Number(result.Attributes?.expiresAt),
    } as const);
  return {
    async reserve(key, now, threshold, windowSeconds) {
      const inWindow = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression:
              'SET failures = if_not_exists(failures, :zero) + :one, expiresAt = if_not_exists(expiresAt, :expires)',
            ConditionExpression:
              '(attribute_not_exists(expiresAt) OR expiresAt > :now) AND ' +
              '(attribute_not_exists(lockedUntil) OR lockedUntil <= :now) AND ' +
              '(attribute_not_exists(failures) OR failures < :threshold OR failures = lockedFailures)',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':expires': now + windowSeconds,
              ':now': now,
              ':threshold': threshold,
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (inWindow) return counted(inWindow) as Reservation;
      // Refused, or the window has passed: a passed window starts again at 1 (only if it still has passed).
      const fresh = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression:
              'SET failures = :one, expiresAt = :expires REMOVE lockedUntil, lockedFailures, refusalNoted',
            ConditionExpression: 'expiresAt <= :now',
            ExpressionAttributeValues: { ':one': 1, ':expires': now + windowSeconds, ':now': now },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      if (fresh) return counted(fresh) as Reservation;
      const current = await db.send(
        new GetCommand({ TableName: tableName, Key: keyOf(key), ConsistentRead: true }),
      );
      return { reserved: false, ...(current.Item ? { counter: current.Item as AttemptCounter } : {}) };
    },
    async lock(key, until, failures) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET lockedUntil = :until, lockedFailures = :failures',
          ExpressionAttributeValues: { ':until': until, ':failures': failures },
        }),
      );
    },
    async release(key) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression: 'SET failures = failures - :one',
            ConditionExpression: 'failures > :zero',
            ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
          }),
        ),
      );
    },
    async reset(key) {
      await db.send(new DeleteCommand({ TableName: tableName, Key: keyOf(key) }));
    },
    async noteRefusal(key) {
      const noted = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keyOf(key),
            UpdateExpression: 'SET refusalNoted = :true',
            ConditionExpression: 'attribute_exists(#key) AND attribute_not_exists(refusalNoted)',
            ExpressionAttributeNames: { '#key': loginAttemptsTable.partitionKey },
            ExpressionAttributeValues: { ':true': true },
          }),
        ),
      );
      return noted !== undefined;
    },
  };
}
