import { type AccountDeletion, createAccountDeletion } from '#shared/auth/account-deletion';
import { type AccountExporter, createAccountExport } from '#shared/auth/account-export';
import {
  createAdminAccount,
  createAdminChanges,
  createAdminDeletion,
  createAdminSearch,
} from '#shared/auth/admin-users';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { accountTokensTableAccess } from '#shared/data/account-tokens';
import { emailsTableAccess } from '#shared/data/emails';
import { identitiesTableAccess } from '#shared/data/identities';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { registrationsTableAccess } from '#shared/data/registrations';
import { sessionsTableAccess } from '#shared/data/sessions';
import {
  accountTokensTable,
  emailsTable,
  identitiesTable,
  passkeysTable,
  registrationsTable,
  sessionsTable,
  usersTable,
} from '#shared/data/tables';
import { userDirectoryAccess } from '#shared/data/user-directory';
import { usersTableAccess } from '#shared/data/users';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';

/** What an account holds beyond its item, listed from the byUser and byOwner indexes: an export, an admin's counts. */
const holdingsOf = (config: Settings) => {
  const db = documentClient(config);
  return {
    users: usersTableAccess(db, tableName(config, usersTable)),
    sessions: sessionsTableAccess(db, tableName(config, sessionsTable)),
    passkeys: passkeysTableAccess(db, tableName(config, passkeysTable)),
    identities: identitiesTableAccess(db, tableName(config, identitiesTable)),
    registrations: registrationsTableAccess(db, tableName(config, registrationsTable)),
    clock: systemClock,
    idleSeconds: config.SESSION_IDLE_SECONDS,
  };
};

let deletion: AccountDeletion | undefined;
const buildDeletion = (config: Settings): AccountDeletion => {
  const db = documentClient(config);
  // Everything the account holds goes, and its mailed tokens and its address's claim with it.
  deletion ??= createAccountDeletion({
    ...holdingsOf(config),
    tokens: accountTokensTableAccess(db, tableName(config, accountTokensTable)),
    emails: emailsTableAccess(db, tableName(config, emailsTable)),
    graceSeconds: config.ACCOUNT_DELETION_GRACE_SECONDS,
  });
  return deletion;
};

/**
 * Deleting accounts: the one write that ends one (UpdateItem on its user item), then the clean-up: its
 * sessions and mailed tokens, passkeys and identities (each listed from its byUser index and deleted), its
 * registrations (byOwner; unpaid deleted, paid ones' personal data removed), its address's claim, and its
 * item. The next daily run finishes clean-ups cut off (the users byName index's `deleted` partition).
 */
export const accountDeletionService = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['UpdateItem', 'DeleteItem', 'GetItem', 'Query'], indexes: ['byName'] },
      { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
      { table: accountTokensTable, actions: ['DeleteItem'] },
      { table: passkeysTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
      { table: identitiesTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
      { table: emailsTable, actions: ['DeleteItem'] },
      { table: registrationsTable, actions: ['Query', 'DeleteItem', 'UpdateItem'], indexes: ['byOwner'] },
    ],
  },
  buildDeletion,
);

/**
 * The signed-in account's data: its user item (GetItem), its sessions (through the sessions service),
 * passkeys and identities (byUser indexes), registrations (byOwner index).
 */
export const accountExportService = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['GetItem'] },
      { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
      { table: identitiesTable, actions: ['Query'], indexes: ['byUser'] },
      { table: registrationsTable, actions: ['Query'], indexes: ['byOwner'] },
      { table: sessionsTable, actions: ['Query'], indexes: ['byUser'] },
    ],
  },
  (config): AccountExporter => createAccountExport(holdingsOf(config)),
);

/** Finding accounts: the users byName and byEmail indexes (keys), never a Scan; the page's items read in a batch. */
export const adminSearchService = /* @__PURE__ */ service(
  { tables: [{ table: usersTable, actions: ['Query', 'BatchGetItem'], indexes: ['byName', 'byEmail'] }] },
  (config) =>
    createAdminSearch({
      directory: userDirectoryAccess(documentClient(config), tableName(config, usersTable)),
    }),
);

/**
 * One account and its counts: found by id (byId index, then GetItem), its sessions, passkeys and identities
 * (byUser indexes), its registrations (byOwner).
 */
export const adminAccountService = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['Query', 'GetItem'], indexes: ['byId'] },
      { table: sessionsTable, actions: ['Query'], indexes: ['byUser'] },
      { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
      { table: identitiesTable, actions: ['Query'], indexes: ['byUser'] },
      { table: registrationsTable, actions: ['Query'], indexes: ['byOwner'] },
    ],
  },
  (config) => createAdminAccount(holdingsOf(config)),
);

/**
 * Disabling, enabling, ending sessions and setting a role: the account found by id (byId, GetItem), one
 * conditional UpdateItem, and its session rows deleted as clean-up (byUser, DeleteItem).
 */
export const adminAccountChanges = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['Query', 'GetItem', 'UpdateItem'], indexes: ['byId'] },
      { table: sessionsTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
    ],
  },
  (config) => {
    const db = documentClient(config);
    return createAdminChanges({
      users: usersTableAccess(db, tableName(config, usersTable)),
      sessions: sessionsTableAccess(db, tableName(config, sessionsTable)),
    });
  },
);

/** Deleting an account by id: found (byId, GetItem), then the deletion itself. */
export const adminDeletionService = /* @__PURE__ */ service(
  {
    tables: [{ table: usersTable, actions: ['Query', 'GetItem'], indexes: ['byId'] }],
    uses: [accountDeletionService],
  },
  (config) =>
    createAdminDeletion({
      users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
      deletion: buildDeletion(config),
    }),
);
