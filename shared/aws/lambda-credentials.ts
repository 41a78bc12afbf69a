import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundles only (an esbuild alias in
 * infra/constructs/api-function.ts). Lambda always hands a function its role's credentials in the
 * environment, so the rest of the default chain (SSO, profiles, STS web identity, the instance metadata
 * service) is dead weight there: about 90 KB of every bundle and part of each cold start. Local runs and
 * the operator commands keep the full chain.
 */
export const defaultProvider = (_init?: unknown) => fromEnv();
