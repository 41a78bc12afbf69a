import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { passkeyResponseSchema } from '#shared/auth/credentials';
import { passkeyLoginsService } from '#shared/compose/passkeys';
import { cookieOptions, sessionIssuingService } from '#shared/compose/sessions';
import { readCookie, WEBAUTHN_COOKIE_NAME, webauthnCookie } from '#shared/http/cookies';
import { HttpError } from '#shared/http/errors';
import { recordEvent } from '#shared/platform/events';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

const refused = () =>
  new HttpError(401, 'invalid_passkey', 'That passkey could not sign you in. Please try again.');

/** POST /passkeys/login: the authenticator's answer to the cookie's challenge; a session, both factors proved. */
export const handler = apiRoute(
  {
    routes: ['POST /passkeys/login'],
    doc: {
      summary: 'Sign in with a passkey (both factors at once)',
      tag: 'Accounts and sessions',
      responses: {
        200: { description: 'The user; the session cookie is set.', body: answers.user },
        400: docs.error('Not an answer of the WebAuthn shape (`invalid_input`).'),
        401: docs.error(
          "Not a valid answer to this browser's current challenge, an unknown passkey, or a replayed counter (`invalid_passkey`).",
        ),
      },
    },
    body: () => passkeyResponseSchema,
    services: {
      logins: passkeyLoginsService,
      sessions: sessionIssuingService,
      cookie: cookieOptions,
    },
  },
  async ({ body, event, facts, token: previous, services: { logins, ...issuing } }) => {
    const challengeId = readCookie(event.cookies, WEBAUTHN_COOKIE_NAME);
    const outcome = await logins.login(challengeId, body.response as unknown as AuthenticationResponseJSON);
    if (outcome.kind === 'invalid') {
      recordEvent('passkeyLoginFailed', { ...facts });
      throw refused();
    }
    const { user } = outcome;
    const session = await issueSession(issuing, user, { event, facts, previous });
    recordEvent('loginSucceeded', { userId: user.id, username: user.username, by: 'passkey', ...facts });
    return {
      status: 200,
      body: publicUser(user),
      cookies: [session.cookie, webauthnCookie('', 0)],
    };
  },
);
