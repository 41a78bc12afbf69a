import * as z from 'zod/mini';
import { providerPath } from '#shared/auth/provider-path';
import { resolveReturnTo, withOutcome } from '#shared/auth/return-to';
import { FLOW_SECONDS } from '#shared/auth/sign-in-flows';
import { requireRecentProof } from '#shared/auth/step-up';
import { usernameKey } from '#shared/auth/username';
import { identityProvidersService } from '#shared/compose/identity-providers';
import { signInStartService } from '#shared/compose/sign-in-flows';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { signInFlowCookie } from '#shared/http/cookies';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { callbackUrl, redirect } from '#shared/http/sign-in-redirects';
import { systemClock } from '#shared/platform/clock';
import { DomainError, invalid, notFound } from '#shared/platform/outcomes';
import { ProviderRefused } from '#shared/auth/provider-protocol';
import { recordEvent } from '#shared/platform/events';

/**
 * GET /auth/{provider}/start: the browser sent to the provider (authorization code flow, PKCE S256, state and
 * nonce), with the flow bound to it by a 10-minute `__Host-` cookie. `link=true` attaches the identity to the
 * signed-in account instead, and asks for a recent proof of who the user is (step-up), as every change of
 * what signs in to the account does.
 */
export const handler = sessionRoute(
  {
    routes: ['GET /auth/{provider}/start'],
    doc: {
      summary: 'Sign in (or link) with an identity provider',
      tag: 'Accounts and sessions',
      query: {
        returnTo: {
          description:
            'Where to send the browser after: a path on the client (`/account`) or an allowed origin. Default `/`.',
          schema: { type: 'string' },
        },
        login_hint: { description: 'Passed on to the provider (an address).', schema: { type: 'string' } },
        link: {
          description:
            '`true`: link the identity to the signed-in account (needs a recent sign-in or `POST /reauth`).',
          schema: { type: 'string', enum: ['true', 'false'] },
        },
      },
      responses: {
        302: {
          description: "To the provider's authorization endpoint, with the `__Host-signin` cookie.",
        },
        303: {
          description:
            "Back to `returnTo` with `auth_error=`: `unauthorized` or `reauthentication_required` for a link (`link=true`) without a session or without a recent proof; `provider_error` when the provider's discovery answers with no OpenID configuration. A provider that does not answer: 503 with `Retry-After`.",
        },
        400: docs.error(
          '`returnTo` is not a path on the client nor an allowed origin (`invalid_return_to`), or another parameter is malformed (`invalid_input`).',
        ),
        404: docs.error('No such provider on this stage (`not_found`).'),
        429: docs.limited('provider sign-ins started from this address (100 in 10 minutes)'),
      },
    },
    session: 'optional',
    path: providerPath,
    query: z.object({
      returnTo: z.optional(z.string().check(z.maxLength(2048))),
      login_hint: z.optional(z.string().check(z.minLength(1), z.maxLength(254))),
      link: z.optional(z.enum(['true', 'false'])),
    }),
    services: {
      providers: identityProvidersService,
      flows: signInStartService,
      limits: requestLimitsService,
    },
  },
  async ({ path, query, session, event, facts, settings, services: { providers, flows, limits } }) => {
    const provider = providers.get(path.provider);
    if (!provider) throw notFound();
    const returnTo = resolveReturnTo(query.returnTo ?? '/', {
      appUrl: settings.APP_URL ?? `https://${event.requestContext.domainName}/`,
      allowedOrigins: settings.ALLOWED_ORIGINS,
    });
    if (!returnTo)
      throw invalid(
        { returnTo: 'must be a path on the client or an address at an allowed origin' },
        'invalid_return_to',
      );
    let link: { userId: string; sid: string; userKey: string } | undefined;
    if (query.link === 'true') {
      // Another site sending a signed-in browser here would link whatever provider account that browser is
      // signed in to (perhaps the attacker's, by a login CSRF at the provider): a link starts from this site,
      // unless the stage runs its client on another site (cookies SameSite=None).
      const crossSite =
        event.headers['sec-fetch-site'] === 'cross-site' && settings.COOKIE_SAME_SITE !== 'None';
      if (!session || crossSite) return redirect(withOutcome(returnTo, 'auth_error', 'unauthorized'));
      try {
        requireRecentProof(session, systemClock(), settings.REAUTH_WINDOW_SECONDS);
      } catch (error) {
        if (error instanceof DomainError) return redirect(withOutcome(returnTo, 'auth_error', error.code));
        throw error;
      }
      link = { userId: session.userId, sid: session.sid, userKey: usernameKey(session.username) };
    }
    await withinLimit(limits, 'signInStart', { ip: facts.clientIp }, facts);
    try {
      const { flowId, url } = await flows.start(provider, {
        redirectUri: callbackUrl(event, settings, provider.id),
        returnTo,
        ...(query.login_hint ? { loginHint: query.login_hint } : {}),
        ...(link ? { link } : {}),
      });
      return redirect(url.href, [signInFlowCookie(flowId, FLOW_SECONDS, provider.formPost)], 302);
    } catch (error) {
      // The provider answered its discovery with what is no OpenID configuration (a wrong issuer).
      if (!(error instanceof ProviderRefused)) throw error;
      recordEvent('identitySignInFailed', {
        provider: provider.id,
        reason: 'provider_error',
        detail: error.reason,
      });
      return redirect(withOutcome(returnTo, 'auth_error', 'provider_error'));
    }
  },
);
