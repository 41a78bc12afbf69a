import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/data/dynamodb';
import { usersTable } from '#shared/tables';

export type Role = 'user' | 'admin';

export interface UserRecord {
  id: string;
  /** As the user typed it. */
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
}

/** Usernames are unique without regard to case; the key is the one place that rule lives. */
export const usernameKey = (username: string): string => username.toLowerCase();

export class UsernameTakenError extends Error {
  override name = 'UsernameTakenError';
}

export interface UsersTable {
  /** Adds a user; throws UsernameTakenError when the name exists in any case, even under concurrent signups. */
  createUser(user: UserRecord): Promise<void>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
}

export function usersTableAccess(db: DynamoDBDocumentClient, tableName: string): UsersTable {
  const key = (username: string) => ({ [usersTable.partitionKey]: usernameKey(username) });
  return {
    async createUser(user) {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(user.username), ...user },
            // A conditional write, not read-then-write: two concurrent signups cannot both succeed.
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': usersTable.partitionKey },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new UsernameTakenError();
        throw error;
      }
    },
    async findUserByUsername(username) {
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: key(username), ConsistentRead: true }),
      );
      if (!result.Item) return undefined;
      const { id, username: name, passwordHash, role, createdAt } = result.Item as UserRecord;
      return { id, username: name, passwordHash, role, createdAt };
    },
  };
}
