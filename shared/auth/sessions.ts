import { randomBytes } from 'node:crypto';
import type { PublicUser } from '#shared/auth/accounts';
import type { Viewer } from '#shared/registrations/registrations';
import type { Clock } from '#shared/platform/clock';
import { epochSeconds } from '#shared/platform/clock';
import type { SessionHolders } from '#shared/data/session-holders';
import type { SessionRecord, SessionsTable } from '#shared/data/sessions';
import type { UserRecord } from '#shared/data/users';
import { usernameKey } from '#shared/auth/username';
import type { SessionClaims, TokenService } from '#shared/auth/tokens';

/** The user a session belongs to, as the API shows users. */
export const sessionUser = (session: SessionRecord): PublicUser => ({
  id: session.userId,
  username: session.username,
  role: session.role,
  createdAt: session.userCreatedAt,
});

/** The viewer the registration rules ask about. */
export const sessionViewer = (session: SessionRecord): Viewer => ({
  userId: session.userId,
  role: session.role,
});

export interface StartedSession {
  session: SessionRecord;
  token: string;
}

export interface Sessions {
  /** A new session with a fresh id (ASVS 5.0 V7.2.4: a new session on every authentication). */
  start(user: UserRecord): Promise<StartedSession>;
  /**
   * The live session a token stands for, or null: bad token, revoked, expired, idle, not the token's user,
   * the user disabled, or a credential version the user has left behind.
   */
  resolve(token: string | undefined): Promise<SessionRecord | null>;
  /** Revokes the token's session on the server and says whose it was; a missing or invalid token is a no-op. */
  end(token: string | undefined): Promise<SessionClaims | null>;
  /**
   * Deletes the rows of every session of the user but `keepSid`, after a new credential version has
   * already ended them (clean-up: a row left behind no longer counts); returns how many.
   */
  endAllOf(userId: string, keepSid?: string): Promise<number>;
  readonly lifetimeSeconds: number;
}

/**
 * How often a session's last activity is written. Writing it on every request would double the cost of
 * each check; once a minute keeps the idle timeout exact to within that minute.
 */
const TOUCH_INTERVAL_SECONDS = 60;

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
  clock: Clock;
  /** Absolute lifetime (ASVS 5.0 V7.3.2): the session ends this long after login, active or not. */
  lifetimeSeconds: number;
  /** Idle timeout (ASVS 5.0 V7.3.1): the session ends after this long without a request. */
  idleSeconds: number;
}): Sessions {
  const { table, holders, tokens, clock, lifetimeSeconds, idleSeconds } = deps;
  // Often enough that a short idle timeout never ends an active session (at its 60 s minimum: every 15 s).
  const touchInterval = Math.min(TOUCH_INTERVAL_SECONDS, Math.floor(idleSeconds / 4));
  return {
    lifetimeSeconds,
    async start(user) {
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
        expiresAt: epochSeconds(expires),
        credentialVersion: user.credentialVersion ?? 0,
      };
      await table.putSession(session);
      const claims = { sub: user.id, sid: session.sid, usr: usernameKey(user.username) };
      return { session, token: await tokens.sign(claims, expires) };
    },
    async resolve(token) {
      if (!token) return null;
      const claims = await tokens.verify(token);
      if (!claims) return null;
      if (!holders) throw new Error('these sessions were composed without their users: they cannot resolve');
      const { session, user } = await holders.find(claims.sid, claims.usr);
      const now = epochSeconds(clock());
      // TTL deletes lazily (up to days later), so expiry is enforced here on every read.
      if (!session || session.userId !== claims.sub || session.expiresAt <= now) return null;
      if (!stillHeld(session, user)) return null;
      if (now - session.lastSeenAt >= idleSeconds) return null;
      if (now - session.lastSeenAt >= touchInterval) await table.touchSession(session.sid, now);
      return session;
    },
    endAllOf: (userId, keepSid) => table.revokeUserSessions(userId, keepSid),
    async end(token) {
      const claims = token ? await tokens.verify(token) : null;
      if (claims) await table.revokeSession(claims.sid);
      return claims;
    },
  };
}
