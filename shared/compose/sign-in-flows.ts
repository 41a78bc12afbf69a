import { type ClientSecret, createProviderProtocol } from '#shared/auth/provider-protocol';
import { createSignInFlows, type SignInFlows } from '#shared/auth/sign-in-flows';
import { identitySecretsSource } from '#shared/aws/secrets';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { service } from '#shared/compose/needs';
import { once } from '#shared/compose/once';
import { signInFlowsTableAccess } from '#shared/data/sign-in-flows';
import { accountTokensTable } from '#shared/data/tables';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';

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
