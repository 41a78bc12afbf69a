import { mfaMethods, MFA_CHALLENGE_SECONDS } from '#shared/auth/mfa-login';
import { providerPath } from '#shared/auth/provider-path';
import { withOutcome } from '#shared/auth/return-to';
import { identitySignInService } from '#shared/compose/identities';
import { identityProvidersService } from '#shared/compose/identity-providers';
import { signInFinishService } from '#shared/compose/sign-in-flows';
import { mfaChallengesService } from '#shared/compose/mfa';
import { securityNoticesService } from '#shared/compose/notices';
import { cookieOptions, sessionIssuingService } from '#shared/compose/sessions';
import { mfaCookie, readCookie, SIGN_IN_FLOW_COOKIE_NAME, signInFlowCookie } from '#shared/http/cookies';
import * as docs from '#shared/http/route-docs';
import { sendNotice } from '#shared/http/security-notice';
import { sessionRoute } from '#shared/http/session-handler';
import { issueSession } from '#shared/http/sign-in';
import { callbackUrl, clientHome, redirect } from '#shared/http/sign-in-redirects';
import { recordEvent } from '#shared/platform/events';
import { notFound } from '#shared/platform/outcomes';

const MAX_ANSWER_BYTES = 16_384;

const SEE_OTHER =
  "To `returnTo`: with the session cookie; with `mfa_required=<methods>` and the `__Host-mfa` cookie for an account with a second factor (finish at `POST /login/mfa`); with `linked=<provider>` after a link; or with `auth_error=` `invalid_state` (no flow for this browser, or not its state), `provider_error` (the provider refused, or its token failed a check), `link_required` (its verified address is another account's: sign in there and link), `identity_taken` (a link to an identity another account has) or `account_disabled`, and no session.";

/**
 * GET (and Apple's form POST) /auth/{provider}/callback: the flow this browser's cookie names is taken once,
 * its state compared, the code exchanged with the PKCE verifier and the ID token checked; then a sign-in
 * (the account the identity belongs to, or a new one), or a link to the session that started the flow.
 * Every answer is a redirect back to the client, with the outcome in its query.
 */
export const handler = sessionRoute(
  {
    routes: ['GET /auth/{provider}/callback', 'POST /auth/{provider}/callback'],
    doc: {
      summary: "The identity provider's answer",
      tag: 'Accounts and sessions',
      responses: {
        303: { description: SEE_OTHER },
        400: docs.error('A provider id that cannot be one (`invalid_input`).'),
        404: docs.error('No such provider on this stage (`not_found`).'),
      },
    },
    session: 'optional',
    // Apple posts its answer from its own site; the flow's state and cookie prove the browser instead.
    crossSitePost: true,
    path: providerPath,
    services: {
      providers: identityProvidersService,
      flows: signInFinishService,
      identities: identitySignInService,
      issuing: sessionIssuingService,
      cookie: cookieOptions,
      challenges: mfaChallengesService,
      notices: securityNoticesService,
    },
  },
  async ({ path, event, facts, session, token, settings, services }) => {
    const { providers, flows, identities, issuing, cookie, challenges, notices, sessions } = services;
    const provider = providers.get(path.provider);
    if (!provider) throw notFound();
    // An answer is a code and a state (Apple adds a user's name): anything far larger is no answer.
    if ((event.body?.length ?? 0) > MAX_ANSWER_BYTES)
      return redirect(withOutcome(clientHome(settings), 'auth_error', 'invalid_state'));
    const answer = new URLSearchParams(
      event.requestContext.http.method === 'POST'
        ? Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8')
        : event.rawQueryString,
    );
    const flowId = readCookie(event.cookies, SIGN_IN_FLOW_COOKIE_NAME);
    const outcome = await flows.finish(provider, flowId, answer, callbackUrl(event, settings, provider.id));
    // The flow's cookie ends once its flow is taken; a forged answer (no flow taken) leaves it to the real one.
    const taken = outcome.kind !== 'invalid_state' || outcome.returnTo !== undefined;
    const ended = taken ? [signInFlowCookie('', 0, provider.formPost)] : [];
    const fail = (code: string, returnTo = clientHome(settings), detail?: string) => {
      recordEvent('identitySignInFailed', { provider: provider.id, reason: code, detail, ...facts });
      return redirect(withOutcome(returnTo, 'auth_error', code), ended);
    };
    if (outcome.kind === 'provider_error') return fail(outcome.kind, outcome.returnTo, outcome.reason);
    if (outcome.kind === 'invalid_state') return fail(outcome.kind, outcome.returnTo);
    const { profile, flow } = outcome;

    if (flow.link) {
      // The session that asked for the link must still be live, and this browser's: its cookie comes back
      // with a provider's redirect; with Apple's cross-site form post it does not, and the flow's cookie
      // (this browser's) names it instead. A link is never made for another session.
      if (session && session.sid !== flow.link.sid) return fail('invalid_state', flow.returnTo);
      const owner =
        session ?? (await sessions.findLive(flow.link.sid, { id: flow.link.userId, key: flow.link.userKey }));
      if (!owner || owner.userId !== flow.link.userId) return fail('invalid_state', flow.returnTo);
      const linked = await identities.link({ id: owner.userId, username: owner.username }, profile);
      if (linked.kind === 'taken') return fail('identity_taken', flow.returnTo);
      if (linked.added) {
        recordEvent('identityLinked', { userId: owner.userId, provider: provider.id, ...facts });
        await sendNotice(notices, owner, 'identity_linked', { event, facts }, `Provider: ${provider.name}.`);
      }
      return redirect(withOutcome(flow.returnTo, 'linked', provider.id), ended);
    }

    const signedIn = await identities.signIn(profile);
    if (signedIn.kind === 'link_required') return fail('link_required', flow.returnTo);
    if (signedIn.kind === 'disabled') return fail('account_disabled', flow.returnTo);
    const { user, created } = signedIn;
    if (created)
      recordEvent('signup', { userId: user.id, username: user.username, by: provider.id, ...facts });
    // The second factor applies as after a password: a challenge, never a session, until it is proved.
    const methods = mfaMethods(user);
    if (methods.length) {
      recordEvent('mfaRequired', { userId: user.id, username: user.username, by: provider.id, ...facts });
      const challenge = await challenges.issue(user);
      return redirect(withOutcome(flow.returnTo, 'mfa_required', methods.join(',')), [
        ...ended,
        mfaCookie(challenge, MFA_CHALLENGE_SECONDS),
      ]);
    }
    const issued = await issueSession({ sessions: issuing, cookie }, user, { event, facts, previous: token });
    recordEvent('loginSucceeded', { userId: user.id, username: user.username, by: provider.id, ...facts });
    return redirect(flow.returnTo, [...ended, issued.cookie]);
  },
);
