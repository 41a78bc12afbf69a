import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { indexOf, indexPages, itemExists, whenConditionHolds } from '#shared/data/dynamodb';
import type { Role } from '#shared/data/users';
import { sessionsTable } from '#shared/data/tables';

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
  /**
   * Epoch seconds of when the user last proved who they are in this session: its sign-in, or a later
   * `POST /reauth` (absent on sessions from before step-up: their sign-in, `createdAt`).
   */
  authenticatedAt?: number;
  /** Epoch seconds of the last request, for the idle timeout; written at most once a minute. */
  lastSeenAt: number;
  /** Epoch seconds; DynamoDB's TTL removes the item some time after, so readers check it too. */
  expiresAt: number;
  /**
   * The user's credential version when it started (absent: 0). A newer version on the user ends it: that is
   * what makes ending every session one write; deleting the rows afterwards is clean-up.
   */
  credentialVersion?: number;
  /** A short label of the browser and system at login ("Firefox on Windows"), for the user's list. */
  device?: string;
  /** The client address at login. */
  ip?: string;
  /**
   * The user's address and whether it is verified, as read with the session when it is resolved (the user
   * is read anyway): never stored on the session's row, so a change shows at once.
   */
  email?: string;
  emailVerified?: boolean;
  /** Likewise: the verified address kept while a new one waits for its link. */
  verifiedEmail?: string;
  /** Likewise: whether the user's logins ask for a second factor. */
  mfaEnabled?: boolean;
}

export interface SessionsTable {
  putSession(session: SessionRecord): Promise<void>;
  findSession(sid: string): Promise<SessionRecord | undefined>;
  /** Idempotent: revoking a session that is gone is not an error. */
  revokeSession(sid: string): Promise<void>;
  /** Every session row of a user (the index, so eventually consistent: a login in the last second may be missing). */
  listUserSessions(userId: string): Promise<SessionRecord[]>;
  /** Deletes the rows of every session of a user but `keepSid`; returns how many. */
  revokeUserSessions(userId: string, keepSid?: string): Promise<number>;
  /** Records activity; a session revoked meanwhile stays revoked. */
  touchSession(sid: string, lastSeenAt: number): Promise<void>;
  /** Records a new proof of who the user is; false when the session is gone (nothing is written then). */
  markAuthenticated(sid: string, at: number): Promise<boolean>;
}

const byUser = indexOf(sessionsTable, 'byUser');

export function sessionsTableAccess(db: DynamoDBDocumentClient, tableName: string): SessionsTable {
  const key = (sid: string) => ({ [sessionsTable.partitionKey]: sid });
  const revokeSession = async (sid: string) => {
    await db.send(new DeleteCommand({ TableName: tableName, Key: key(sid) }));
  };
  /** A user's session rows from the byUser index, a page at a time (`projection`: only those attributes). */
  const pagesOfUser = (userId: string, projection?: string) =>
    indexPages(db, { tableName, indexName: byUser.name, attribute: 'userId', value: userId, projection });
  return {
    revokeSession,
    async putSession(session) {
      // A fresh random sid never collides; the condition makes that an invariant, not a hope. So when the
      // condition fails, the item it met can only be this put's own first try, landed with its answer lost
      // and retried by the SDK: that is success, and needs no read to tell.
      await whenConditionHolds(
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: session,
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': sessionsTable.partitionKey },
          }),
        ),
      );
    },
    async findSession(sid) {
      // Strongly consistent: a logout on one container must be seen at once by every other.
      const result = await db.send(
        new GetCommand({ TableName: tableName, Key: key(sid), ConsistentRead: true }),
      );
      return result.Item as SessionRecord | undefined;
    },
    async touchSession(sid, lastSeenAt) {
      await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(sid),
            UpdateExpression: 'SET lastSeenAt = :at',
            ...itemExists(sessionsTable),
            ExpressionAttributeValues: { ':at': lastSeenAt },
          }),
        ),
      );
    },
    async markAuthenticated(sid, at) {
      const marked = await whenConditionHolds(
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(sid),
            UpdateExpression: 'SET authenticatedAt = :at',
            ...itemExists(sessionsTable),
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      );
      return marked !== undefined;
    },
    async listUserSessions(userId) {
      const sessions: SessionRecord[] = [];
      for await (const page of pagesOfUser(userId)) sessions.push(...(page as unknown as SessionRecord[]));
      return sessions;
    },
    async revokeUserSessions(userId, keepSid) {
      let revoked = 0;
      for await (const page of pagesOfUser(userId, 'sid')) {
        // Deleted one by one in parallel: a user has few sessions, and each delete is idempotent.
        const sids = page.map((item) => String(item.sid)).filter((sid) => sid !== keepSid);
        await Promise.all(sids.map(revokeSession));
        revoked += sids.length;
      }
      return revoked;
    },
  };
}
