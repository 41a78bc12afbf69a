import { cookieOptions, sessionEndingService } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { recordEvent } from '#shared/platform/events';
import { apiRoute } from '#shared/http/route';

/** POST|DELETE /logout: revokes the session on the server and expires the cookie; 204 either way. */
export const handler = apiRoute(
  {
    routes: ['POST /logout', 'DELETE /logout'],
    doc: {
      summary: 'Sign out',
      tag: 'Accounts and sessions',
      responses: { 204: { description: 'Signed out (also without a session); the cookie is expired.' } },
    },
    services: { sessions: sessionEndingService, cookie: cookieOptions },
  },
  async ({ token, facts, services: { sessions, cookie } }) => {
    const ended = await sessions.end(token);
    if (ended) recordEvent('logout', { userId: ended.sub, ...facts });
    return { status: 204, cookies: [expiredSessionCookie(cookie)] };
  },
);
