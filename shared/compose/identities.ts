import {
  createIdentities,
  createIdentityRemoval,
  type Identities,
  type IdentityRemoval,
  listIdentities,
} from '#shared/auth/identities';
import { createSignInMethods, type SignInMethods } from '#shared/auth/sign-in-methods';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { emailsTableAccess } from '#shared/data/emails';
import { identitiesTableAccess } from '#shared/data/identities';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { emailsTable, identitiesTable, passkeysTable, usersTable } from '#shared/data/tables';
import { usersTableAccess } from '#shared/data/users';
import { systemClock } from '#shared/platform/clock';

let identities: Identities | undefined;

/**
 * Signing in with an identity, and linking one: the identity claimed (a conditional put; read back, renamed
 * or given up while an account is made; its last use recorded), and for a first sign-in the account made
 * (the verified address claimed, the user put under a free name).
 */
export const identitySignInService = /* @__PURE__ */ service(
  {
    tables: [
      { table: identitiesTable, actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
      { table: usersTable, actions: ['GetItem', 'PutItem'] },
      { table: emailsTable, actions: ['GetItem', 'PutItem'] },
    ],
  },
  (config): Identities => {
    const db = documentClient(config);
    identities ??= createIdentities({
      identities: identitiesTableAccess(db, tableName(config, identitiesTable)),
      users: usersTableAccess(db, tableName(config, usersTable)),
      emails: emailsTableAccess(db, tableName(config, emailsTable)),
      clock: systemClock,
    });
    return identities;
  },
);

/** The account's identities, from the byUser index. */
export const identityListService = /* @__PURE__ */ service(
  { tables: [{ table: identitiesTable, actions: ['Query'], indexes: ['byUser'] }] },
  (config) => {
    const table = identitiesTableAccess(documentClient(config), tableName(config, identitiesTable));
    return { list: (userId: string) => listIdentities(table, userId) };
  },
);

let methods: SignInMethods | undefined;

/**
 * Whether an account keeps a way in without one of its passkeys or identities: the account read (has it a
 * password?); for one without, a lease on its item (UpdateItem) while its identities and passkeys are
 * listed (byUser indexes) and read again consistently (BatchGetItem).
 */
export const signInMethodsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: usersTable, actions: ['GetItem', 'UpdateItem'] },
      { table: identitiesTable, actions: ['Query', 'BatchGetItem'], indexes: ['byUser'] },
      { table: passkeysTable, actions: ['Query', 'BatchGetItem'], indexes: ['byUser'] },
    ],
  },
  (config): SignInMethods => {
    const db = documentClient(config);
    methods ??= createSignInMethods({
      users: usersTableAccess(db, tableName(config, usersTable)),
      identities: identitiesTableAccess(db, tableName(config, identitiesTable)),
      passkeys: passkeysTableAccess(db, tableName(config, passkeysTable)),
      clock: systemClock,
    });
    return methods;
  },
);

let removal: IdentityRemoval | undefined;

/** Unlinking one: the identity deleted if it is still the account's, unless it is the last way in. */
export const identityRemovalService = /* @__PURE__ */ service(
  {
    tables: [{ table: identitiesTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] }],
    uses: [signInMethodsService],
  },
  (config): IdentityRemoval => {
    removal ??= createIdentityRemoval({
      identities: identitiesTableAccess(documentClient(config), tableName(config, identitiesTable)),
      methods: signInMethodsService(config),
    });
    return removal;
  },
);
