import { publicUser } from '#shared/auth/accounts';
import { loginsService } from '#shared/compose/logins';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { DEVICE_COOKIE_NAME, deviceCookie, mfaCookie, readCookie, sessionCookie } from '#shared/http/cookies';
import { MFA_CHALLENGE_SECONDS, mfaMethods } from '#shared/auth/mfa-login';
import { mfaChallengesService } from '#shared/compose/mfa';
import { loginBodySchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { invalidCredentials } from '#shared/http/errors';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { httpHandler } from '#shared/http/handler';
import { deviceLabel } from '#shared/auth/device-label';
import { DEVICE_LIFETIME_SECONDS } from '#shared/auth/login';

/** POST /login: one answer for an unknown user and a wrong password; 429 while locked; a fresh session on success. */
export const handler = httpHandler(
  {
    body: () => loginBodySchema,
    compose: (config) => ({
      logins: loginsService(config),
      sessions: sessionsService(config),
      cookie: cookieOptions(config),
      challenges: mfaChallengesService(config),
    }),
  },
  async ({ body, facts, event, token: previous, services: { logins, sessions, cookie, challenges } }) => {
    const deviceToken = readCookie(event.cookies, DEVICE_COOKIE_NAME);
    const outcome = await logins.attempt({ ...body, ip: facts.clientIp, deviceToken });
    if (outcome.kind === 'throttled') {
      recordEvent('loginThrottled', { username: outcome.auditName, ...facts });
      throw tooManyAttempts(outcome.retryAfterSeconds);
    }
    if (outcome.kind === 'invalid') {
      recordEvent('loginFailed', { username: outcome.auditName, ...facts });
      if (outcome.lockedNow) recordEvent('lockout', { username: outcome.auditName, ...facts });
      throw invalidCredentials();
    }
    const { user } = outcome;
    // The password was right, and the account asks for a second factor: a challenge, not yet a session.
    const methods = mfaMethods(user);
    if (methods.length) {
      recordEvent('mfaRequired', { userId: user.id, username: user.username, ...facts });
      return {
        status: 200,
        body: { mfaRequired: true, methods },
        cookies: [
          mfaCookie(await challenges.issue(user), MFA_CHALLENGE_SECONDS),
          // The password was proved from this browser: its attempts count on the device, as after any login.
          deviceCookie(outcome.deviceToken, DEVICE_LIFETIME_SECONDS),
        ],
      };
    }
    // A browser that still carries someone's session (a shared computer) gets only the new one.
    await sessions.end(previous);
    const { token } = await sessions.start(user, {
      device: deviceLabel(event.headers['user-agent']),
      ip: facts.clientIp,
    });
    recordEvent('loginSucceeded', { userId: user.id, username: user.username, ...facts });
    return {
      status: 200,
      body: publicUser(user),
      cookies: [
        sessionCookie(cookie, token, sessions.lifetimeSeconds),
        deviceCookie(outcome.deviceToken, DEVICE_LIFETIME_SECONDS),
      ],
    };
  },
);
