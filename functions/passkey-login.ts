import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { passkeyResponseSchema } from '#shared/auth/credentials';
import { passkeyLoginsService } from '#shared/compose/passkeys';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { readCookie, WEBAUTHN_COOKIE_NAME, webauthnCookie } from '#shared/http/cookies';
import { HttpError } from '#shared/http/errors';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';

const refused = () =>
  new HttpError(401, 'invalid_passkey', 'That passkey could not sign you in. Please try again.');

/** POST /passkeys/login: the authenticator's answer to the cookie's challenge; a session, both factors proved. */
export const handler = httpHandler(
  {
    body: () => passkeyResponseSchema,
    compose: (config) => ({
      logins: passkeyLoginsService(config),
      sessions: sessionsService(config),
      cookie: cookieOptions(config),
    }),
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
