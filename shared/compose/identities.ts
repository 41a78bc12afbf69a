import {
  createIdentities,
  createIdentityRemoval,
  type Identities,
  type IdentityRemoval,
  listIdentities,
} from '#shared/auth/identities';
import { type IdentityProvider, identityProvider } from '#shared/auth/identity-providers';
import { type ClientSecret, createProviderProtocol } from '#shared/auth/provider-protocol';
import { createSignInFlows, type SignInFlows } from '#shared/auth/sign-in-flows';
import { identitySecretsSource } from '#shared/aws/secrets';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { once } from '#shared/compose/once';
import { emailsTableAccess } from '#shared/data/emails';
import { identitiesTableAccess } from '#shared/data/identities';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { signInFlowsTableAccess } from '#shared/data/sign-in-flows';
import {
  accountTokensTable,
  emailsTable,
  identitiesTable,
  passkeysTable,
  usersTable,
} from '#shared/data/tables';
import { usersTableAccess } from '#shared/data/users';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';

/** The stage's identity providers, by id, from the settings: no AWS at all. */
export const identityProvidersService = /* @__PURE__ */ service(
  {},
  (config): ReadonlyMap<string, IdentityProvider> =>
    new Map(config.IDENTITY_PROVIDERS.map((declared) => [declared.id, identityProvider(declared)])),
);

const protocolOf = (config: Settings, secretOf?: (id: string) => Promise<ClientSecret | undefined>) =>
  createProviderProtocol({
    timeoutMs: config.IDENTITY_PROVIDER_TIMEOUT_MS,
    // Plain http only to the local test provider: a deployed stage speaks TLS to every provider.
    allowHttp: config.STAGE === 'local',
    clock: systemClock,
    ...(secretOf ? { secretOf } : {}),
  });

const flowsTable = (config: Settings) =>
  signInFlowsTableAccess(documentClient(config), tableName(config, accountTokensTable));

let starts: SignInFlows | undefined;

/** Starting a sign-in at a provider: discovery, and the flow kept for its callback (PutItem). No secret. */
export const signInStartService = /* @__PURE__ */ service(
  { tables: [{ table: accountTokensTable, actions: ['PutItem'] }] },
  (config): Pick<SignInFlows, 'start'> => {
    starts ??= createSignInFlows({
      flows: flowsTable(config),
      protocol: protocolOf(config),
      clock: systemClock,
    });
    return starts;
  },
);

let finishes: SignInFlows | undefined;

/**
 * Finishing one: the flow taken (DeleteItem, once), and the code exchanged with the provider's client
 * secret, read from the identity secret on the first callback of a container.
 */
export const signInFinishService = /* @__PURE__ */ service(
  { tables: [{ table: accountTokensTable, actions: ['DeleteItem'] }], secrets: ['identity-secrets'] },
  (config): Pick<SignInFlows, 'finish'> => {
    if (!finishes) {
      const secrets = once(identitySecretsSource(config));
      finishes = createSignInFlows({
        flows: flowsTable(config),
        protocol: protocolOf(config, async (id) => (await secrets())[id] as ClientSecret | undefined),
        clock: systemClock,
      });
    }
    return finishes;
  },
);

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

let removal: IdentityRemoval | undefined;

/**
 * Unlinking one: the account read (has it a password?), its identities and passkeys counted (byUser
 * indexes), the identity deleted if it is still the account's.
 */
export const identityRemovalService = /* @__PURE__ */ service(
  {
    tables: [
      { table: identitiesTable, actions: ['Query', 'DeleteItem'], indexes: ['byUser'] },
      { table: usersTable, actions: ['GetItem'] },
      { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
    ],
  },
  (config): IdentityRemoval => {
    const db = documentClient(config);
    removal ??= createIdentityRemoval({
      identities: identitiesTableAccess(db, tableName(config, identitiesTable)),
      users: usersTableAccess(db, tableName(config, usersTable)),
      passkeys: passkeysTableAccess(db, tableName(config, passkeysTable)),
    });
    return removal;
  },
);
