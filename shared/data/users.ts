import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { itemExists, whenConditionHolds } from '#shared/data/dynamodb';
import { usersTable } from '#shared/data/tables';
import { usernameKey } from '#shared/auth/username';

export type Role = 'user' | 'admin';

export interface UserRecord {
  id: string;
  /** As the user typed it. */
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
  /** A disabled account cannot log in; disabling it also ends its sessions. */
  disabled?: boolean;
  /**
   * Bumped by a password change and by "log out everywhere": device tokens signed under an older version
   * count as no device (absent: 0).
   */
  credentialVersion?: number;
}

export interface UsersTable {
  /** Adds a user; false when the name exists in any case, even under concurrent signups. */
  createUser(user: UserRecord): Promise<boolean>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Every account, a page at a time: for operators, never on a request path. */
  listUsers(): AsyncGenerator<UserRecord[]>;
  /** Replaces a hash, provided it is still the one read (a concurrent change wins). */
  replacePasswordHash(
    username: string,
    oldHash: string,
    newHash: string,
    options?: { newCredentials?: boolean },
  ): Promise<void>;
  /** A new credential version: every device token signed before it is stale. */
  bumpCredentialVersion(username: string): Promise<void>;
  /** Marks the account disabled; undefined when there is no such user. */
  disableUser(username: string): Promise<UserRecord | undefined>;
}

const toUser = (item: Record<string, unknown>): UserRecord => {
  const { id, username, passwordHash, role, createdAt, disabled, credentialVersion } =
    item as unknown as UserRecord;
  return {
    id,
    username,
    passwordHash,
    role,
    createdAt,
    ...(disabled ? { disabled } : {}),
    ...(credentialVersion ? { credentialVersion: Number(credentialVersion) } : {}),
  };
};

export function usersTableAccess(db: DynamoDBDocumentClient, tableName: string): UsersTable {
  const key = (username: string) => ({ [usersTable.partitionKey]: usernameKey(username) });
  return {
    async createUser(user) {
      const created = await whenConditionHolds(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(user.username), ...user },
            // A conditional write, not read-then-write: two concurrent signups cannot both succeed.
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': usersTable.partitionKey },
          }),
        ),
      );
      return created !== undefined;
    },
    async findUserByUsername(username) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: key(username), ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      return toUser(result.Item);
    },
    async *listUsers() {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
        start = page.LastEvaluatedKey;
        yield (page.Items ?? []).map(toUser);
      } while (start);
    },
    async replacePasswordHash(username, oldHash, newHash, options = {}) {
      // A new password is new credentials (one write: hash and version change together); a rehash is not.
      const bump = options.newCredentials ? ' ADD credentialVersion :one' : '';
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: `SET passwordHash = :new${bump}`,
            ConditionExpression: 'passwordHash = :old',
            ExpressionAttributeValues: {
              ':old': oldHash,
              ':new': newHash,
              ...(options.newCredentials ? { ':one': 1 } : {}),
            },
          }),
        ),
      );
    },
    async bumpCredentialVersion(username) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'ADD credentialVersion :one',
            ...itemExists(usersTable),
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      );
    },
    async disableUser(username) {
      const result = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'SET disabled = :true',
            ...itemExists(usersTable),
            ExpressionAttributeValues: { ':true': true },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return result && toUser(result.Attributes ?? {});
    },
  };
}
