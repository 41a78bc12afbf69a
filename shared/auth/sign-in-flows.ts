import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { IdentityProvider, ProviderProfile } from '#shared/auth/identity-providers';
import { type ProviderProtocol, ProviderRefused } from '#shared/auth/provider-protocol';
import type { SignInFlowRecord, SignInFlowsTable } from '#shared/data/sign-in-flows';
import { type Clock, epochSeconds } from '#shared/platform/clock';

/** How long a sign-in at a provider may take between its start and its callback. */
export const FLOW_SECONDS = 600;

export type FlowOutcome =
  | { kind: 'profile'; profile: ProviderProfile; flow: SignInFlowRecord }
  /** No flow for this browser, an expired one, or a state that is not its own: nothing is exchanged. */
  | { kind: 'invalid_state'; returnTo?: string }
  /** The provider refused, or answered with what does not prove the user (a token failing its checks). */
  | { kind: 'provider_error'; returnTo: string; reason: string };

/**
 * The two halves of a sign-in at a provider. The start keeps the flow's secrets (state, nonce, PKCE
 * verifier) in a single-use item named by a random id that only this browser's `__Host-` cookie carries;
 * the callback takes that item (once: a replayed callback, or a second one racing it, finds nothing), checks
 * the state the provider sent back against it, and only then exchanges the code. A forged callback (login
 * CSRF: someone else's code and state sent to this browser) fails on the cookie.
 */
export function createSignInFlows(deps: {
  flows: SignInFlowsTable;
  protocol: ProviderProtocol;
  clock: Clock;
}) {
  const { flows, protocol, clock } = deps;
  return {
    async start(
      provider: IdentityProvider,
      request: {
        redirectUri: string;
        returnTo: string;
        loginHint?: string;
        link?: { userId: string; sid: string; userKey: string };
      },
    ): Promise<{ flowId: string; url: URL }> {
      const flow: SignInFlowRecord = {
        provider: provider.id,
        state: client.randomState(),
        // GitHub is not OpenID Connect: no ID token, no nonce.
        ...(provider.github ? {} : { nonce: client.randomNonce() }),
        verifier: client.randomPKCECodeVerifier(),
        returnTo: request.returnTo,
        ...(request.link ? { link: request.link } : {}),
        expiresAt: epochSeconds(clock()) + FLOW_SECONDS,
      };
      const url = await protocol.authorizationUrl(provider, {
        redirectUri: request.redirectUri,
        state: flow.state,
        verifier: flow.verifier,
        ...(flow.nonce ? { nonce: flow.nonce } : {}),
        ...(request.loginHint ? { loginHint: request.loginHint } : {}),
      });
      const flowId = randomBytes(32).toString('base64url');
      await flows.putFlow(flowId, flow);
      return { flowId, url };
    },

    async finish(
      provider: IdentityProvider,
      flowId: string | undefined,
      callback: URLSearchParams,
      redirectUri: string,
    ): Promise<FlowOutcome> {
      // A cookie that cannot be a flow id is no flow, and a state that cannot be one no answer: neither is
      // asked of DynamoDB. A state that is not the flow's (forged) leaves the flow to its browser.
      const state = callback.get('state') ?? '';
      const wellFormed = /^[A-Za-z0-9_-]{43}$/;
      const flow =
        flowId && wellFormed.test(flowId) && wellFormed.test(state)
          ? await flows.takeFlow(flowId, state)
          : undefined;
      if (!flow) return { kind: 'invalid_state' };
      if (flow.expiresAt <= epochSeconds(clock()) || flow.provider !== provider.id)
        return { kind: 'invalid_state', returnTo: flow.returnTo };
      try {
        const profile = await protocol.exchange(provider, callback, {
          state: flow.state,
          verifier: flow.verifier,
          redirectUri,
          ...(flow.nonce ? { nonce: flow.nonce } : {}),
        });
        return { kind: 'profile', profile, flow };
      } catch (error) {
        // A provider that did not answer is "not now" (503); one that answered no is this flow's end.
        if (error instanceof ProviderRefused)
          return { kind: 'provider_error', returnTo: flow.returnTo, reason: error.reason };
        throw error;
      }
    },
  };
}

export type SignInFlows = ReturnType<typeof createSignInFlows>;
