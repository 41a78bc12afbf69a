import { passwordChangeSchema } from '#shared/credentials';
import { recordEvent, requestFacts } from '#shared/events';
import { invalidInput } from '#shared/http/errors';
import { httpHandler } from '#shared/http/handler';
import { passwordProblem } from '#shared/password-policy';

/** POST /password: changes the password, then ends every other session of the user (ASVS 5.0 V7.4.3). */
export const handler = httpHandler(
  { session: 'required', body: (config) => passwordChangeSchema(config.PASSWORD_MIN_LENGTH) },
  async ({ session, body, event, services: { accounts, sessions } }) => {
    const problem = passwordProblem(body.newPassword, session.username);
    if (problem) throw invalidInput({ newPassword: problem });
    const changed = await accounts.changePassword({ username: session.username, ...body });
    if (!changed) throw invalidInput({ currentPassword: 'is incorrect' });
    const ended = await sessions.endAllOf(session.userId, session.sid);
    recordEvent('passwordChanged', { userId: session.userId, sessionsEnded: ended, ...requestFacts(event) });
    return { status: 204 };
  },
);
