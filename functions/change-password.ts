import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { passwordChangesService } from '#shared/compose/logins';
import { DEVICE_COOKIE_NAME, readCookie } from '#shared/http/cookies';
import { passwordChangeSchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { invalidInput } from '#shared/http/errors';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { passwordProblem } from '#shared/auth/password-policy';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { sessionRoute } from '#shared/http/session-handler';
import * as docs from '#shared/http/route-docs';

/** POST /password: the current password checked as a login is, replaced, and every other session ended. */
export const handler = sessionRoute(
  {
    routes: ['POST /password'],
    doc: {
      summary: 'Change the password; every other session ends',
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'Changed; every other session of the user has ended.' },
        400: docs.error(
          '`currentPassword` is incorrect, or `newPassword` breaks the policy (`invalid_input`).',
        ),
        429: docs.error(
          'Too many failed attempts (`too_many_attempts`), or too many changes of this account (`too_many_requests`, 10 an hour); see `Retry-After`.',
        ),
      },
    },
    memory: 'password',
    session: 'required',
    body: (config) => passwordChangeSchema(config.PASSWORD_MIN_LENGTH),
    services: {
      passwordChanges: passwordChangesService,
      limits: requestLimitsService,
      notices: securityNoticesService,
    },
  },
  async ({ session, body, facts, event, services: { passwordChanges, limits, notices } }) => {
    const problem = passwordProblem(body.newPassword, session.username);
    if (problem) throw invalidInput({ newPassword: problem });
    await withinLimit(limits, 'passwordChange', { ip: facts.clientIp, account: session.userId }, facts);
    const deviceToken = readCookie(event.cookies, DEVICE_COOKIE_NAME);
    const outcome = await passwordChanges.change({ session, ...body, ip: facts.clientIp, deviceToken });
    if (outcome.kind === 'throttled') {
      recordEvent('loginThrottled', { username: session.username, userId: session.userId, ...facts });
      throw tooManyAttempts(outcome.retryAfterSeconds);
    }
    if (outcome.kind === 'incorrect') throw invalidInput({ currentPassword: 'is incorrect' });
    recordEvent('passwordChanged', {
      userId: session.userId,
      sessionsEnded: outcome.sessionsEnded,
      ...facts,
    });
    await sendNotice(notices, session, 'password_changed', { event, facts });
    return { status: 204 };
  },
);
