import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { recordEvent } from '#shared/platform/events';
import { httpHandler } from '#shared/http/handler';

/** DELETE /sessions: logs the user out everywhere, this session included. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: (config) => ({ sessions: sessionsService(config), cookie: cookieOptions(config) }),
  },
  async ({ session, facts, services: { sessions, cookie } }) => {
    const ended = await sessions.endAllOf(session.userId);
    recordEvent('sessionsRevoked', { userId: session.userId, sessionsEnded: ended, ...facts });
    return { status: 204, cookies: [expiredSessionCookie(cookie)] };
  },
);
