import { systemClock } from '#shared/platform/clock';
import { accountsService } from '#shared/compose/accounts';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import { tokenService } from '#shared/compose/sessions';
import type { Settings } from '#shared/platform/config';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { createLogins, type Logins } from '#shared/auth/login';
import { createLoginThrottle } from '#shared/auth/login-throttle';
import { loginAttemptsTable } from '#shared/data/tables';

let logins: (() => Promise<Logins>) | undefined;

/** Password checks behind the brute-force counters, with device tokens against lockout abuse. */
export function loginsService(config: Settings): Promise<Logins> {
  if (!logins) {
    const accounts = accountsService(config);
    const throttle = createLoginThrottle({
      table: loginAttemptsTableAccess(documentClient(config), tableName(config, loginAttemptsTable)),
      clock: systemClock,
    });
    logins = once(async () =>
      createLogins({
        accounts,
        throttle,
        // Same keys, another audience: a device token can never pass for a session token, nor the reverse.
        deviceTokens: await tokenService(config, `${config.TOKEN_AUDIENCE}#device`),
        clock: systemClock,
      }),
    );
  }
  return logins();
}
