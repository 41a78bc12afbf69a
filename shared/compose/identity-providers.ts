import { type IdentityProvider, identityProvider } from '#shared/auth/identity-providers';
import { service } from '#shared/compose/needs';

/** The stage's identity providers, by id, from the settings: no AWS at all. */
export const identityProvidersService = /* @__PURE__ */ service(
  {},
  (config): ReadonlyMap<string, IdentityProvider> =>
    new Map(config.IDENTITY_PROVIDERS.map((declared) => [declared.id, identityProvider(declared)])),
);
