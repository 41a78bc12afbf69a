import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#shared/data/dynamodb';
import type { SessionRecord } from '#shared/data/sessions';
import { sessionsTable, usersTable } from '#shared/data/tables';
import { liveUser, type UserRecord } from '#shared/data/users';
import { usernameKey } from '#shared/auth/username';

export interface SessionHolder {
  session?: SessionRecord;
  user?: UserRecord;
}

export interface SessionHolders {
  /**
   * A session and the user it belongs to, both strongly consistent: the user's credential version and
   * `disabled` decide whether the session still counts. With the user's key (from the token) both are read
   * in one round trip; without it, the session names its user.
   */
  find(sid: string, userKey?: string): Promise<SessionHolder>;
}

export function sessionHoldersAccess(
  db: DynamoDBDocumentClient,
  names: { sessions: string; users: string },
): SessionHolders {
  const sessionKey = (sid: string) => ({ [sessionsTable.partitionKey]: sid });
  const userKey = (key: string) => ({ [usersTable.partitionKey]: key });
  return {
    async find(sid, key) {
      if (key === undefined) {
        const found = await db.send(
          new GetCommand({ TableName: names.sessions, Key: sessionKey(sid), ConsistentRead: true }),
        );
        const session = found.Item as SessionRecord | undefined;
        if (!session) return {};
        const user = await db.send(
          new GetCommand({
            TableName: names.users,
            Key: userKey(usernameKey(session.username)),
            ConsistentRead: true,
          }),
        );
        const holder = liveUser(user.Item);
        return { session, ...(holder ? { user: holder } : {}) };
      }
      const found = await batchGetAll(db, {
        [names.sessions]: { Keys: [sessionKey(sid)], ConsistentRead: true },
        [names.users]: { Keys: [userKey(key)], ConsistentRead: true },
      });
      const session = found[names.sessions]?.[0] as SessionRecord | undefined;
      const user = liveUser(found[names.users]?.[0]);
      return { ...(session ? { session } : {}), ...(user ? { user } : {}) };
    },
  };
}
