import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { loginsService } from '#shared/compose/logins';
import { cookieOptions, sessionIssuingService } from '#shared/compose/sessions';
import { DEVICE_COOKIE_NAME, deviceCookie, mfaCookie, readCookie } from '#shared/http/cookies';
import { MFA_CHALLENGE_SECONDS, mfaMethods } from '#shared/auth/mfa-login';
import { mfaChallengesService } from '#shared/compose/mfa';
import { loginBodySchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { invalidCredentials } from '#shared/http/errors';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { DEVICE_LIFETIME_SECONDS } from '#shared/auth/login';
import type { UserRecord } from '#shared/data/users';
import * as z from 'zod/mini';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /login: one answer for an unknown user and a wrong password; 429 while locked; a fresh session on success. */
export const handler = apiRoute(
  {
    routes: ['POST /login'],
    doc: {
      summary: 'Sign in',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description:
            'The user, with a new session cookie with a fresh session id; or, for an account with a second factor, `{mfaRequired: true, methods}` with a 5-minute `__Host-mfa` cookie and no session (finish at `POST /login/mfa`).',
          body: z.union([answers.user, answers.mfaChallenge]),
        },
        400: docs.error('Invalid input (`invalid_input`).'),
        401: docs.error('Unknown user or wrong password, the same answer (`invalid_credentials`).'),
        429: docs.error('Too many failed attempts (`too_many_attempts`); see `Retry-After`.'),
      },
    },
    memory: 'password',
    body: () => loginBodySchema,
    services: {
      logins: loginsService,
      sessions: sessionIssuingService,
      cookie: cookieOptions,
      challenges: mfaChallengesService,
    },
  },
  async ({ body, facts, event, token: previous, services: { logins, sessions, cookie, challenges } }) => {
    const deviceToken = readCookie(event.cookies, DEVICE_COOKIE_NAME);
    // What the right password leads to is written beside the counters' settlement (one round trip): a
    // challenge when the account asks for a second factor, else a fresh session in place of any the browser
    // still carries (a shared computer).
    const admit = async (user: UserRecord) => {
      const methods = mfaMethods(user);
      if (methods.length)
        return { kind: 'challenge' as const, methods, challenge: await challenges.issue(user) };
      const session = await issueSession({ sessions, cookie }, user, { event, facts, previous });
      return { kind: 'session' as const, cookie: session.cookie };
    };
    const outcome = await logins.attempt({ ...body, ip: facts.clientIp, deviceToken }, admit);
    if (outcome.kind === 'throttled') {
      recordEvent('loginThrottled', { username: outcome.auditName, ...facts });
      throw tooManyAttempts(outcome.retryAfterSeconds);
    }
    if (outcome.kind === 'invalid') {
      recordEvent('loginFailed', { username: outcome.auditName, ...facts });
      if (outcome.lockedNow) recordEvent('lockout', { username: outcome.auditName, ...facts });
      throw invalidCredentials();
    }
    const { user, admitted } = outcome;
    // The password was proved from this browser: its attempts count on the device, as after any login.
    const device = deviceCookie(outcome.deviceToken, DEVICE_LIFETIME_SECONDS);
    if (admitted.kind === 'challenge') {
      recordEvent('mfaRequired', { userId: user.id, username: user.username, ...facts });
      return {
        status: 200,
        body: { mfaRequired: true, methods: admitted.methods },
        cookies: [mfaCookie(admitted.challenge, MFA_CHALLENGE_SECONDS), device],
      };
    }
    recordEvent('loginSucceeded', { userId: user.id, username: user.username, ...facts });
    return {
      status: 200,
      body: publicUser(user),
      cookies: [admitted.cookie, device],
    };
  },
);
