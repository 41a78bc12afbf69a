import { type Accounts, createAccounts } from '#shared/accounts';
import { systemClock } from '#shared/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import type { Settings } from '#shared/config';
import { usersTableAccess } from '#shared/data/users';
import { createPasswordHasher } from '#shared/passwords';
import { pepperSource } from '#shared/secrets';
import { usersTable } from '#shared/tables';

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
