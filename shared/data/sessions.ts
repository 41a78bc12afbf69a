import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/data/users';
import { sessionsTable } from '#shared/tables';

/**
 * A server-side session. It carries a copy of the public user fields, so checking a session costs one
 * GetItem; anything that changes those fields or disables the user ends the user's sessions.
 */
export interface SessionRecord {
  sid: string;
  userId: string;
  username: string;
  role: Role;
  userCreatedAt: string;
  createdAt: string;
  /** Epoch seconds; DynamoDB's TTL removes the item some time after, so readers check it too. */
  expiresAt: number;
}

export interface SessionsTable {
  putSession(session: SessionRecord): Promise<void>;
  findSession(sid: string): Promise<SessionRecord | undefined>;
  /** Idempotent: revoking a session that is gone is not an error. */
  revokeSession(sid: string): Promise<void>;
  /** Ends every session of a user (log out everywhere); returns how many there were. */
  revokeUserSessions(userId: string): Promise<number>;
}

const [byUser] = sessionsTable.indexes;

export function sessionsTableAccess(db: DynamoDBDocumentClient, tableName: string): SessionsTable {
  const key = (sid: string) => ({ [sessionsTable.partitionKey]: sid });
  const revokeSession = async (sid: string) => {
    await db.send(new DeleteCommand({ TableName: tableName, Key: key(sid) }));
  };
  return {
    revokeSession,
    async putSession(session) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: session,
          // A fresh random sid never collides; the condition makes that an invariant, not a hope.
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': sessionsTable.partitionKey },
        }),
      );
    },
    async findSession(sid) {
      // Strongly consistent: a logout on one container must be seen at once by every other.
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: key(sid), ConsistentRead: true }),
      );
      return result.Item as SessionRecord | undefined;
    },
    async revokeUserSessions(userId) {
      let revoked = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: byUser?.name,
            KeyConditionExpression: 'userId = :user',
            ExpressionAttributeValues: { ':user': userId },
            ProjectionExpression: 'sid',
            ExclusiveStartKey: start,
          }),
        );
        start = page.LastEvaluatedKey;
        // Deleted one by one in parallel: a user has few sessions, and each delete is idempotent.
        await Promise.all((page.Items ?? []).map((item) => revokeSession(String(item.sid))));
        revoked += page.Items?.length ?? 0;
      } while (start);
      return revoked;
    },
  };
}
