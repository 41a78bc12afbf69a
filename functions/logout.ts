import { cookieOptions, sessionEndingService } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { recordEvent } from '#shared/platform/events';
import { httpHandler } from '#shared/http/handler';

/** POST|DELETE /logout: revokes the session on the server and expires the cookie; 204 either way. */
export const handler = httpHandler(
  { compose: (config) => ({ sessions: sessionEndingService(config), cookie: cookieOptions(config) }) },
  async ({ token, facts, services: { sessions, cookie } }) => {
    const ended = await sessions.end(token);
    if (ended) recordEvent('logout', { userId: ended.sub, ...facts });
    return { status: 204, cookies: [expiredSessionCookie(cookie)] };
  },
);
