import { type DynamoDBDocumentClient, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { whenConditionHolds } from '#shared/data/dynamodb';
import { accountTokensTable } from '#shared/data/tables';

export type AccountTokenKind = 'reset' | 'verify-email';
const KINDS: readonly AccountTokenKind[] = ['reset', 'verify-email'];

/** A token a mail carries, as stored: never the token itself, only its digest. */
export interface AccountTokenRecord {
  kind: AccountTokenKind;
  userId: string;
  usernameKey: string;
  /** The address the mail went to: the token is good only while the account still has it. */
  email: string;
  /**
   * A reset link's: the account's address version when it was mailed (absent: 0). The link is good only
   * while the address has not changed since, even to the same address again.
   */
  emailVersion?: number;
  /** SHA-256 of the token, base64url. */
  digest: string;
  createdAt: string;
  /** Epoch seconds; TTL deletes it lazily, so readers check it too. */
  expiresAt: number;
}

export interface AccountTokensTable {
  /** Stores the account's token of this kind, replacing the one before (its link stops working). */
  putToken(token: AccountTokenRecord): Promise<void>;
  findToken(kind: AccountTokenKind, userId: string): Promise<AccountTokenRecord | undefined>;
  /** Deletes the token if it is still this one: true for exactly one caller, however many race. */
  consumeToken(kind: AccountTokenKind, userId: string, digest: string): Promise<boolean>;
  /** Puts a consumed token back, unless the account has a token of that kind again (a newer one wins). */
  restoreToken(token: AccountTokenRecord): Promise<void>;
  /** Deletes every token the account has (its deletion). */
  removeAll(userId: string): Promise<void>;
}

export function accountTokensTableAccess(db: DynamoDBDocumentClient, tableName: string): AccountTokensTable {
  const key = (kind: AccountTokenKind, userId: string) => ({
    [accountTokensTable.partitionKey]: `${kind}#${userId}`,
  });
  return {
    async putToken(token) {
      await db.send(
        new PutCommand({ TableName: tableName, Item: { ...key(token.kind, token.userId), ...token } }),
      );
    },
    async findToken(kind, userId) {
      const found = await db.send(
        new GetCommand({ TableName: tableName, Key: key(kind, userId), ConsistentRead: true }),
      );
      if (!found.Item) return undefined;
      const { id: _id, ...token } = found.Item;
      return token as AccountTokenRecord;
    },
    async consumeToken(kind, userId, digest) {
      const deleted = await whenConditionHolds(
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(kind, userId),
            ConditionExpression: 'digest = :digest',
            ExpressionAttributeValues: { ':digest': digest },
          }),
        ),
      );
      return deleted !== undefined;
    },
    async restoreToken(token) {
      await whenConditionHolds(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(token.kind, token.userId), ...token },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': accountTokensTable.partitionKey },
          }),
        ),
      );
    },
    async removeAll(userId) {
      await Promise.all(
        KINDS.map((kind) => db.send(new DeleteCommand({ TableName: tableName, Key: key(kind, userId) }))),
      );
    },
  };
}
