import { type DynamoDBDocumentClient, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { accountTokensTable } from '#shared/data/tables';

/**
 * The logins waiting for their second factor, by the challenge id their `__Host-mfa` token carries: the
 * token proves who passed the password, the item that the challenge was not used yet. Each is taken once.
 */
export interface MfaChallengesTable {
  /** A challenge open until `expiresAt` (epoch seconds). */
  openChallenge(id: string, expiresAt: number): Promise<void>;
  /** Whether it is still open at `now`: not taken, not expired (TTL deletes lazily). */
  isOpen(id: string, now: number): Promise<boolean>;
  /** Takes it, if still open at `now`: true for exactly one caller, however many race. */
  takeChallenge(id: string, now: number): Promise<boolean>;
}

/** Challenges live with the mail tokens: short-lived, single-use items under a prefix of their own. */
export function mfaChallengesTableAccess(db: DynamoDBDocumentClient, tableName: string): MfaChallengesTable {
  const key = (id: string) => ({ [accountTokensTable.partitionKey]: `mfa#${id}` });
  return {
    async openChallenge(id, expiresAt) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key(id), expiresAt } }));
    },
    async isOpen(id, now) {
      const found = await db.send(
        new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }),
      );
      return Number(found.Item?.expiresAt ?? 0) > now;
    },
    async takeChallenge(id, now) {
      const taken = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(id),
            ConditionExpression: 'expiresAt > :now',
            ExpressionAttributeValues: { ':now': now },
          }),
        ),
      );
      return taken !== undefined;
    },
  };
}
