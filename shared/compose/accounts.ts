import { type AccountAdmin, createAccountAdmin } from '#shared/auth/account-admin';
import { type Accounts, createAccounts } from '#shared/auth/accounts';
import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import type { Settings } from '#shared/platform/config';
import { sessionsTableAccess } from '#shared/data/sessions';
import { usersTableAccess } from '#shared/data/users';
import { createPasswordHasher } from '#shared/auth/passwords';
import { pepperSource } from '#shared/aws/secrets';
import { emailsTable, sessionsTable, usersTable } from '#shared/data/tables';
import { emailsTableAccess } from '#shared/data/emails';

let accounts: Accounts | undefined;

/** Accounts: the users table, and the password hasher with its pepper, read on the first password check. */
export function accountsService(config: Settings): Accounts {
  if (!accounts) {
    const pepper = pepperSource(config);
    accounts = createAccounts({
      users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
      passwords: once(async () => createPasswordHasher({ pepper: await pepper(), cost: config.BCRYPT_COST })),
      clock: systemClock,
    });
  }
  return accounts;
}

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
