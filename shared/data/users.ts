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
}

export interface UsersTable {
  /** Adds a user; false when the name exists in any case, even under concurrent signups. */
  createUser(user: UserRecord): Promise<boolean>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Every account, a page at a time: for operators, never on a request path. */
  listUsers(): AsyncGenerator<UserRecord[]>;
  /** Replaces a hash, provided it is still the one read (a concurrent change wins). */
  replacePasswordHash(username: string, oldHash: string, newHash: string): Promise<void>;
  /** Marks the account disabled; undefined when there is no such user. */
  disableUser(username: string): Promise<UserRecord | undefined>;
}

const toUser = (item: Record<string, unknown>): UserRecord => {
  const { id, username, passwordHash, role, createdAt, disabled } = item as unknown as UserRecord;
  return { id, username, passwordHash, role, createdAt, ...(disabled ? { disabled } : {}) };
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
    async replacePasswordHash(username, oldHash, newHash) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(username),
            UpdateExpression: 'SET passwordHash = :new',
            ConditionExpression: 'passwordHash = :old',
            ExpressionAttributeValues: { ':old': oldHash, ':new': newHash },
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
