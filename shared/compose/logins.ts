import { systemClock } from '#shared/platform/clock';
import { accountsService } from '#shared/compose/accounts';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { bruteForceCounters } from '#shared/compose/limits';
import { once } from '#shared/compose/once';
import { sessionsService, tokenService } from '#shared/compose/sessions';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { createLogins, type Logins } from '#shared/auth/login';
import { createLoginThrottle } from '#shared/auth/login-throttle';
import { createPasswordChanges, type PasswordChanges } from '#shared/auth/password-change';
import { loginAttemptsTable, sessionsTable, usersTable } from '#shared/data/tables';
import { logger } from '#shared/platform/logger';

let logins: (() => Promise<Logins>) | undefined;

/**
 * Password checks behind the brute-force counters, with device tokens against lockout abuse (signed with
 * the signing keys, for another audience).
 */
export const loginsService = /* @__PURE__ */ service(
  { tables: [bruteForceCounters], secrets: ['signing-keys'], uses: [accountsService] },
  (config): Promise<Logins> => {
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
          onUnsettled: (error) =>
            logger.warn('login counters left unsettled', {
              error: error instanceof Error ? error.name : 'Error',
            }),
        }),
      );
    }
    return logins();
  },
);

let passwordChanges: (() => Promise<PasswordChanges>) | undefined;

/**
 * Password changes: the login check, the accounts, and the sessions a change ends (a new credential version
 * on the user; the rows are then deleted).
 */
export const passwordChangesService = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['UpdateItem'] },
      { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
    ],
    uses: [accountsService, loginsService, sessionsService],
  },
  (config): Promise<PasswordChanges> => {
    if (!passwordChanges) {
      const accounts = accountsService(config);
      // Asked for now so their settings are checked at cold start; each retries its own failed load.
      for (const loading of [loginsService(config), sessionsService(config)]) loading.catch(() => undefined);
      passwordChanges = once(async () =>
        createPasswordChanges({
          accounts,
          logins: await loginsService(config),
          sessions: await sessionsService(config),
        }),
      );
    }
    return passwordChanges();
  },
);
