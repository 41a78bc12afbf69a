import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { publicUser } from '#shared/auth/accounts';
import { passkeyResponseSchema } from '#shared/auth/credentials';
import { deviceLabel } from '#shared/auth/device-label';
import { passkeyLoginsService } from '#shared/compose/passkeys';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { readCookie, sessionCookie, WEBAUTHN_COOKIE_NAME, webauthnCookie } from '#shared/http/cookies';
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
  async ({ body, event, facts, token: previous, services: { logins, sessions, cookie } }) => {
    const challengeId = readCookie(event.cookies, WEBAUTHN_COOKIE_NAME);
    const outcome = await logins.login(challengeId, body.response as unknown as AuthenticationResponseJSON);
    if (outcome.kind === 'invalid') {
      recordEvent('passkeyLoginFailed', { ...facts });
      throw refused();
    }
    const { user } = outcome;
    await sessions.end(previous);
    const { token } = await sessions.start(user, {
      device: deviceLabel(event.headers['user-agent']),
      ip: facts.clientIp,
    });
    recordEvent('loginSucceeded', { userId: user.id, username: user.username, by: 'passkey', ...facts });
    return {
      status: 200,
      body: publicUser(user),
      cookies: [sessionCookie(cookie, token, sessions.lifetimeSeconds), webauthnCookie('', 0)],
    };
  },
);
