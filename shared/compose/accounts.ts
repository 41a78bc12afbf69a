import { type AccountAdmin, createAccountAdmin } from '#shared/auth/account-admin';
import { type Accounts, createAccounts } from '#shared/auth/accounts';
import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { once } from '#shared/compose/once';
import type { Settings } from '#shared/platform/config';
import { sessionsTableAccess } from '#shared/data/sessions';
import { usersTableAccess } from '#shared/data/users';
import { createPasswordHasher } from '#shared/auth/passwords';
import { pepperSource } from '#shared/aws/secrets';
import { emailsTable, sessionsTable, usersTable } from '#shared/data/tables';
import { emailsTableAccess } from '#shared/data/emails';

let accounts: Accounts | undefined;

const buildAccounts = (config: Settings): Accounts => {
  if (!accounts) {
    const pepper = pepperSource(config);
    accounts = createAccounts({
      users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
      passwords: once(async () => createPasswordHasher({ pepper: await pepper(), cost: config.BCRYPT_COST })),
      clock: systemClock,
    });
  }
  return accounts;
};

/**
 * Accounts as password checks and changes use them: the users table, and the password hasher with its
 * pepper, read on the first password check. UpdateItem replaces a legacy or cheaper hash at login, or the
 * password; nothing here creates or deletes a user.
 */
export const accountsService = /* @__PURE__ */ service(
  { tables: [{ table: usersTable, actions: ['GetItem', 'UpdateItem'] }], secrets: ['password-pepper'] },
  buildAccounts,
);

/**
 * Creating an account: a put conditional on the name being free, and GetItem to read back a put retried
 * after a lost answer (whether the account it met is its own).
 */
export const accountCreationService = /* @__PURE__ */ service(
  { tables: [{ table: usersTable, actions: ['PutItem', 'GetItem'] }], secrets: ['password-pepper'] },
  (config): Pick<Accounts, 'signUp'> => buildAccounts(config),
);

/** The operator's view of accounts: every table an account touches, and the pepper. */
export function accountAdminService(config: Settings): AccountAdmin {
  const db = documentClient(config);
  return createAccountAdmin({
    accounts: accountsService(config),
    users: usersTableAccess(db, tableName(config, usersTable)),
    sessions: sessionsTableAccess(db, tableName(config, sessionsTable)),
    emails: emailsTableAccess(db, tableName(config, emailsTable)),
  });
}
