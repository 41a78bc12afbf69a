import { accountsService } from '#shared/compose/accounts';
import { loginsService } from '#shared/compose/logins';
import { sessionsService } from '#shared/compose/sessions';
import { DEVICE_COOKIE_NAME, readCookie } from '#shared/http/cookies';
import { passwordChangeSchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { invalidInput } from '#shared/http/errors';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { httpHandler } from '#shared/http/handler';
import { passwordProblem } from '#shared/auth/password-policy';

/**
 * POST /password: the current password is checked as a login is (same brute-force counters: a stolen
 * session is not a way to guess it), then replaced, and every other session of the user ends (ASVS 5.0 V7.4.3).
 */
export const handler = httpHandler(
  {
    session: 'required',
    body: (config) => passwordChangeSchema(config.PASSWORD_MIN_LENGTH),
    compose: (config) => ({
      accounts: accountsService(config),
      logins: loginsService(config),
      sessions: sessionsService(config),
    }),
  },
  async ({ session, body, facts, event, services: { accounts, logins, sessions } }) => {
    const problem = passwordProblem(body.newPassword, session.username);
    if (problem) throw invalidInput({ newPassword: problem });
    const deviceToken = readCookie(event.cookies, DEVICE_COOKIE_NAME);
    const check = await logins.attempt({
      username: session.username,
      password: body.currentPassword,
      ip: facts.clientIp,
      deviceToken,
    });
    if (check.kind === 'throttled') {
      recordEvent('loginThrottled', { username: session.username, userId: session.userId, ...facts });
      throw tooManyAttempts(check.retryAfterSeconds);
    }
    if (check.kind === 'invalid') throw invalidInput({ currentPassword: 'is incorrect' });
    await accounts.setPassword(session.username, body.newPassword);
    const ended = await sessions.endAllOf(session.userId, session.sid);
    recordEvent('passwordChanged', { userId: session.userId, sessionsEnded: ended, ...facts });
    return { status: 204 };
  },
);
