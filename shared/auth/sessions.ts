import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { type PublicUser, publicUser } from '#shared/auth/accounts';
import type { Viewer } from '#shared/registrations/registrations';
import type { Clock } from '#shared/platform/clock';
import { epochSeconds } from '#shared/platform/clock';
import type { SessionHolders } from '#shared/data/session-holders';
import type { SessionRecord, SessionsTable } from '#shared/data/sessions';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { usernameKey } from '#shared/auth/username';
import { logger } from '#shared/platform/logger';
import type { SessionClaims, TokenService } from '#shared/auth/tokens';

/** The user a session belongs to, as the API shows users. */
export const sessionUser = (session: SessionRecord): PublicUser =>
  publicUser({
    id: session.userId,
    username: session.username,
    role: session.role,
    createdAt: session.userCreatedAt,
    email: session.email,
    emailVerified: session.emailVerified,
    mfaEnabled: session.mfaEnabled === true,
  });

/** The viewer the registration rules ask about. */
export const sessionViewer = (session: SessionRecord): Viewer => ({
  userId: session.userId,
  role: session.role,
});

/** One of a user's sessions as the user sees it: never its sid or token. */
export interface SessionView {
  /** An opaque handle (a digest of the sid): it names the session and proves nothing. */
  id: string;
  current: boolean;
  createdAt: string;
  lastActiveAt: string;
  device: string;
  ip: string;
}

/** Where a session started: for the user's list of sessions. */
export interface SessionOrigin {
  device: string;
  ip: string;
}

/** `/sessions/{id}`: any string; one that is no handle of the caller's is simply not found. */
export const sessionPathSchema = z.object({ id: z.string() });

/** A session's public handle: a one-way digest of its sid, so it can name the session but never be one. */
export const sessionHandle = (sid: string): string =>
  createHash('sha256').update(`pistus-session-handle:${sid}`).digest('base64url').slice(0, 22);

export interface StartedSession {
  session: SessionRecord;
  token: string;
}

export interface Sessions {
  /** A new session with a fresh id (ASVS 5.0 V7.2.4: a new session on every authentication). */
  start(user: UserRecord, origin?: SessionOrigin): Promise<StartedSession>;
  /**
   * The caller's live sessions, most recently active first (ASVS 4.0.3 V3.3.4): rows the user's credential
   * version has left behind, expired or idle ones are not sessions any more and are not listed.
   */
  listOf(current: SessionRecord): Promise<SessionView[]>;
  /**
   * Ends the caller's session with that handle at once (by its own key); null when it is not one of the
   * caller's live sessions, whoever's it is. Says whether it was the caller's current one.
   */
  endOneOf(current: SessionRecord, handle: string): Promise<{ endedCurrent: boolean } | null>;
  /**
   * The live session a token stands for, or null: bad token, revoked, expired, idle, not the token's user,
   * the user disabled, or a credential version the user has left behind.
   */
  resolve(token: string | undefined): Promise<SessionRecord | null>;
  /**
   * A session by its id, if it still counts as `resolve` judges it: for a step that began in it and ends
   * where the browser may not send its cookie (an identity provider's cross-site form post).
   */
  findLive(sid: string, user: { id: string; key: string }): Promise<SessionRecord | null>;
  /** Revokes the token's session on the server and says whose it was; a missing or invalid token is a no-op. */
  end(token: string | undefined): Promise<SessionClaims | null>;
  /**
   * Deletes the rows of every session of the user but `keepSid`, after a new credential version has
   * already ended them (clean-up: a row left behind no longer counts); returns how many.
   */
  endAllOf(userId: string, keepSid?: string): Promise<number>;
  /** The user proved who they are again in this session (step-up); false when it has ended meanwhile. */
  reauthenticated(session: SessionRecord): Promise<boolean>;
  readonly lifetimeSeconds: number;
}

/**
 * How often a session's last activity is written. Writing it on every request would double the cost of
 * each check; once a minute keeps the idle timeout exact to within that minute.
 */
const TOUCH_INTERVAL_SECONDS = 60;

/**
 * Whether a session row is a live session of `user` at `now` (epoch seconds): not expired, not idle, and
 * its user's credentials still behind it. For listings made without a session (an export, an admin's counts).
 */
export const stillCounts = (
  session: SessionRecord,
  user: UserRecord,
  now: number,
  idleSeconds: number,
): boolean =>
  session.userId === user.id &&
  session.expiresAt > now &&
  now - session.lastSeenAt < idleSeconds &&
  stillHeld(session, user);

/** A session as its user sees it. */
export const sessionView = (session: SessionRecord, currentSid?: string): SessionView => ({
  id: sessionHandle(session.sid),
  current: session.sid === currentSid,
  createdAt: session.createdAt,
  lastActiveAt: new Date(session.lastSeenAt * 1000).toISOString(),
  device: session.device ?? 'Unknown device',
  ip: session.ip ?? 'unknown',
});

/** Whether the user's credentials still stand behind the session (one write to the user ends it). */
const stillHeld = (session: SessionRecord, user: UserRecord | undefined): boolean =>
  user !== undefined &&
  user.id === session.userId &&
  !user.disabled &&
  ((session.credentialVersion ?? 0) === (user.credentialVersion ?? 0) || user.keptSid === session.sid);

export function createSessions(deps: {
  table: SessionsTable;
  /** The session with its user, for `resolve`; a function that only ends sessions (logout) has none. */
  holders?: SessionHolders;
  tokens: TokenService;
  /** Where a sign-in's moment is kept for the admin API's "last login" (the users table). */
  signIns?: Pick<UsersTable, 'recordSignIn'>;
  clock: Clock;
  /** Absolute lifetime (ASVS 5.0 V7.3.2): the session ends this long after login, active or not. */
  lifetimeSeconds: number;
  /** Idle timeout (ASVS 5.0 V7.3.1): the session ends after this long without a request. */
  idleSeconds: number;
}): Sessions {
  const { table, holders, tokens, signIns, clock, lifetimeSeconds, idleSeconds } = deps;
  // Often enough that a short idle timeout never ends an active session (at its 60 s minimum: every 15 s).
  const touchInterval = Math.min(TOUCH_INTERVAL_SECONDS, Math.floor(idleSeconds / 4));
  /** The user's sessions that still count, read from the index, each judged as `resolve` judges it. */
  async function liveSessionsOf(current: SessionRecord): Promise<SessionRecord[]> {
    if (!holders) throw new Error('these sessions were composed without their users: they cannot list');
    const [{ user }, rows] = await Promise.all([
      holders.find(current.sid, usernameKey(current.username)),
      table.listUserSessions(current.userId),
    ]);
    const now = epochSeconds(clock());
    // The caller's own session is live (it was just resolved), even if the index has not caught up.
    const all = rows.some((row) => row.sid === current.sid) ? rows : [current, ...rows];
    return user ? all.filter((session) => stillCounts(session, user, now, idleSeconds)) : [];
  }

  /** The session `sid` of user `userId` (its users-table key `userKey`), if it still counts. */
  async function live(
    sid: string,
    userKey: string | undefined,
    userId: string,
  ): Promise<SessionRecord | null> {
    if (!holders) throw new Error('these sessions were composed without their users: they cannot resolve');
    const { session, user } = await holders.find(sid, userKey);
    const now = epochSeconds(clock());
    // TTL deletes lazily (up to days later), so expiry is enforced here on every read.
    if (!session || session.userId !== userId || session.expiresAt <= now) return null;
    if (!stillHeld(session, user)) return null;
    if (now - session.lastSeenAt >= idleSeconds) return null;
    if (now - session.lastSeenAt >= touchInterval) await table.touchSession(session.sid, now);
    return {
      ...session,
      // The account's role now, not the one it had when the session began: a demotion counts at once.
      ...(user ? { role: user.role } : {}),
      ...(user?.email ? { email: user.email, emailVerified: user.emailVerified === true } : {}),
      ...(user?.verifiedEmail ? { verifiedEmail: user.verifiedEmail } : {}),
      mfaEnabled: !!user?.totpSecret,
    };
  }
  return {
    lifetimeSeconds,
    async start(user, origin) {
      const now = clock();
      const expires = new Date(now.getTime() + lifetimeSeconds * 1000);
      const session: SessionRecord = {
        // 256 random bits (OWASP Session Management: at least 64 bits of entropy).
        sid: randomBytes(32).toString('base64url'),
        userId: user.id,
        username: user.username,
        role: user.role,
        userCreatedAt: user.createdAt,
        createdAt: now.toISOString(),
        lastSeenAt: epochSeconds(now),
        authenticatedAt: epochSeconds(now),
        expiresAt: epochSeconds(expires),
        credentialVersion: user.credentialVersion ?? 0,
        ...origin,
      };
      await Promise.all([
        table.putSession(session),
        // Only a fact for the admin API: a failed write must not fail the sign-in it records.
        signIns?.recordSignIn(user.username, user.id, session.createdAt).catch((error: unknown) =>
          logger.warn('sign-in moment not recorded', {
            error: error instanceof Error ? error.name : 'Error',
          }),
        ),
      ]);
      const claims = { sub: user.id, sid: session.sid, usr: usernameKey(user.username) };
      return { session, token: await tokens.sign(claims, expires) };
    },
    async resolve(token) {
      if (!token) return null;
      const claims = await tokens.verify(token);
      if (!claims) return null;
      return live(claims.sid, claims.usr, claims.sub);
    },
    findLive: (sid, user) => live(sid, user.key, user.id),
    endAllOf: (userId, keepSid) => table.revokeUserSessions(userId, keepSid),
    reauthenticated: (session) => table.markAuthenticated(session.sid, epochSeconds(clock())),
    async listOf(current) {
      const live = await liveSessionsOf(current);
      return live
        .map((session) => sessionView(session, current.sid))
        .sort(
          (a, b) => b.lastActiveAt.localeCompare(a.lastActiveAt) || Number(b.current) - Number(a.current),
        );
    },
    async endOneOf(current, handle) {
      const target = (await liveSessionsOf(current)).find((session) => sessionHandle(session.sid) === handle);
      if (!target) return null;
      await table.revokeSession(target.sid);
      return { endedCurrent: target.sid === current.sid };
    },
    async end(token) {
      const claims = token ? await tokens.verify(token) : null;
      if (claims) await table.revokeSession(claims.sid);
      return claims;
    },
  };
}
