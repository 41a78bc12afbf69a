import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import type { Settings } from '#shared/platform/config';
import type { CookieOptions } from '#shared/http/cookies';
import { sessionsTableAccess } from '#shared/data/sessions';
import { sessionHoldersAccess } from '#shared/data/session-holders';
import type { SigningKeys } from '#shared/auth/signing-keys';
import { signingKeysSource } from '#shared/aws/secrets';
import { createSessions, type Sessions } from '#shared/auth/sessions';
import { sessionsTable, usersTable } from '#shared/data/tables';
import { createTokenService, type TokenService } from '#shared/auth/tokens';

export const cookieOptions = (config: Settings): CookieOptions => ({
  name: config.COOKIE_NAME,
  sameSite: config.COOKIE_SAME_SITE,
});

let signingKeys: (() => Promise<SigningKeys>) | undefined;

/**
 * Session tokens, signed and verified with the signing keys (read from Secrets Manager once per container).
 * The settings are checked now; the keys are read when the promise is awaited.
 */
export function tokenService(config: Settings, audience = config.TOKEN_AUDIENCE): Promise<TokenService> {
  const source = signingKeysSource(config);
  signingKeys ??= once(source);
  const keys = signingKeys;
  return keys().then((loaded) =>
    createTokenService({
      keys: loaded,
      issuer: config.TOKEN_ISSUER,
      audience,
      clock: systemClock,
      // A rotation adds a kid while containers run: an unknown kid makes one read of the secret, not a 401.
      reload: source,
    }),
  );
}

/** Sessions over these tables; `resolves` adds the users table, which deciding whether one counts reads. */
function buildSessions(config: Settings, resolves: boolean): () => Promise<Sessions> {
  const db = documentClient(config);
  const sessionsName = tableName(config, sessionsTable);
  const holders = resolves
    ? sessionHoldersAccess(db, { sessions: sessionsName, users: tableName(config, usersTable) })
    : undefined;
  signingKeys ??= once(signingKeysSource(config));
  return once(async () =>
    createSessions({
      table: sessionsTableAccess(db, sessionsName),
      holders,
      tokens: await tokenService(config),
      clock: systemClock,
      lifetimeSeconds: config.SESSION_TTL_SECONDS,
      idleSeconds: config.SESSION_IDLE_SECONDS,
    }),
  );
}

let sessions: (() => Promise<Sessions>) | undefined;

/**
 * Server-side sessions: the sessions table, the users table (a session counts only while its user's
 * credentials stand behind it) and the token service. Settings are checked on the first call.
 */
export function sessionsService(config: Settings): Promise<Sessions> {
  sessions ??= buildSessions(config, true);
  return sessions();
}

let ending: (() => Promise<Pick<Sessions, 'end'>>) | undefined;

/** Ending the caller's own session (logout): the sessions table alone, no user is read. */
export function sessionEndingService(config: Settings): Promise<Pick<Sessions, 'end'>> {
  ending ??= buildSessions(config, false);
  return ending();
}
