import { type Accounts, createAccounts } from '#shared/accounts';
import { type Clock, systemClock } from '#shared/clock';
import { type Settings, settings } from '#shared/config';
import type { CookieOptions } from '#shared/cookies';
import { createDocumentClient } from '#shared/data/dynamodb';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { registrationsTableAccess } from '#shared/data/registrations';
import { sessionsTableAccess } from '#shared/data/sessions';
import { usersTableAccess } from '#shared/data/users';
import { createLogins, type Logins } from '#shared/login';
import { createLoginThrottle } from '#shared/login-throttle';
import { createPasswordHasher, type PasswordHasher } from '#shared/passwords';
import { createRegistrations, type Registrations } from '#shared/registrations';
import { loadPepper, loadSigningKeys } from '#shared/secrets';
import { createSessions, type Sessions } from '#shared/sessions';
import { createTokenService } from '#shared/tokens';

/** Everything a handler needs, built once per container from validated settings. */
export interface Services {
  settings: Settings;
  cookie: CookieOptions;
  accounts: Accounts;
  sessions: Sessions;
  registrations: Registrations;
  logins: Logins;
}

export async function buildServices(config: Settings, clock: Clock = systemClock): Promise<Services> {
  const db = createDocumentClient(config.DYNAMODB_ENDPOINT);
  let passwords: Promise<PasswordHasher> | undefined;
  const loadPasswords = () => {
    passwords ??= loadPepper(config).then((pepper) =>
      createPasswordHasher({ pepper, cost: config.BCRYPT_COST }),
    );
    return passwords;
  };
  const keys = await loadSigningKeys(config);
  const tokens = await createTokenService({
    keys,
    issuer: config.TOKEN_ISSUER,
    audience: config.TOKEN_AUDIENCE,
    clock,
  });
  // Same keys, another audience: a device token can never pass for a session token, nor the reverse.
  const deviceTokens = await createTokenService({
    keys,
    issuer: config.TOKEN_ISSUER,
    audience: `${config.TOKEN_AUDIENCE}#device`,
    clock,
  });
  const accounts = createAccounts({
    users: usersTableAccess(db, config.USERS_TABLE),
    passwords: loadPasswords,
    clock,
  });
  return {
    settings: config,
    cookie: { name: config.COOKIE_NAME, sameSite: config.COOKIE_SAME_SITE },
    accounts,
    logins: createLogins({
      accounts,
      throttle: createLoginThrottle({
        table: loginAttemptsTableAccess(db, config.LOGIN_ATTEMPTS_TABLE),
        clock,
      }),
      deviceTokens,
      clock,
    }),
    sessions: createSessions({
      table: sessionsTableAccess(db, config.SESSIONS_TABLE),
      tokens,
      clock,
      lifetimeSeconds: config.SESSION_TTL_SECONDS,
      idleSeconds: config.SESSION_IDLE_SECONDS,
    }),
    registrations: createRegistrations({
      table: registrationsTableAccess(db, config.REGISTRATIONS_TABLE),
      clock,
      paymentPeriodDays: config.PAYMENT_PERIOD_DAYS,
    }),
  };
}

let services: Promise<Services> | undefined;

/** The container's services; secrets are fetched and keys imported on the first call only. */
export function getServices(): Promise<Services> {
  services ??= buildServices(settings());
  // A failed cold start (a secret not readable yet) is retried on the next request, not cached forever.
  services.catch(() => {
    services = undefined;
  });
  return services;
}
