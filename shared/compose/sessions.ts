import { systemClock } from '#shared/clock';
import { once } from '#shared/compose/once';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import type { Settings } from '#shared/config';
import type { CookieOptions } from '#shared/cookies';
import { sessionsTableAccess } from '#shared/data/sessions';
import { loadSigningKeys } from '#shared/secrets';
import { createSessions, type Sessions } from '#shared/sessions';
import { sessionsTable } from '#shared/tables';
import { createTokenService, type TokenService } from '#shared/tokens';

export const cookieOptions = (config: Settings): CookieOptions => ({
  name: config.COOKIE_NAME,
  sameSite: config.COOKIE_SAME_SITE,
});

let keys: (() => Promise<Awaited<ReturnType<typeof loadSigningKeys>>>) | undefined;
const signingKeys = (config: Settings) => {
  keys ??= once(() => loadSigningKeys(config));
  return keys();
};

/** Session tokens, signed and verified with the signing keys (read from Secrets Manager once). */
export async function tokenService(
  config: Settings,
  audience = config.TOKEN_AUDIENCE,
): Promise<TokenService> {
  return createTokenService({
    keys: await signingKeys(config),
    issuer: config.TOKEN_ISSUER,
    audience,
    clock: systemClock,
  });
}

let sessions: (() => Promise<Sessions>) | undefined;

/** Server-side sessions: the sessions table and the token service. */
export function sessionsService(config: Settings): Promise<Sessions> {
  sessions ??= once(async () =>
    createSessions({
      table: sessionsTableAccess(documentClient(config), tableName(config, sessionsTable)),
      tokens: await tokenService(config),
      clock: systemClock,
      lifetimeSeconds: config.SESSION_TTL_SECONDS,
      idleSeconds: config.SESSION_IDLE_SECONDS,
    }),
  );
  return sessions();
}

/** For routes that need the session and nothing else. */
export const sessionOnly = async (config: Settings) => ({ sessions: await sessionsService(config) });
