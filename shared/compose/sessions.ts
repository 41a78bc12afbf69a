import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import type { Settings } from '#shared/platform/config';
import type { CookieOptions } from '#shared/http/cookies';
import { sessionsTableAccess } from '#shared/data/sessions';
import type { SigningKeys } from '#shared/auth/signing-keys';
import { signingKeysSource } from '#shared/aws/secrets';
import { createSessions, type Sessions } from '#shared/auth/sessions';
import { sessionsTable } from '#shared/data/tables';
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

let sessions: (() => Promise<Sessions>) | undefined;

/** Server-side sessions: the sessions table and the token service. Settings are checked on the first call. */
export function sessionsService(config: Settings): Promise<Sessions> {
  if (!sessions) {
    const table = sessionsTableAccess(documentClient(config), tableName(config, sessionsTable));
    signingKeys ??= once(signingKeysSource(config));
    sessions = once(async () =>
      createSessions({
        table,
        tokens: await tokenService(config),
        clock: systemClock,
        lifetimeSeconds: config.SESSION_TTL_SECONDS,
        idleSeconds: config.SESSION_IDLE_SECONDS,
      }),
    );
  }
  return sessions();
}

/** For routes that need the session and nothing else. */
export const sessionOnly = (config: Settings) => ({ sessions: sessionsService(config) });
