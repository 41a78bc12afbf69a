import { expiredSessionCookie } from '#shared/cookies';
import { httpHandler } from '#shared/http/handler';

/** POST|DELETE /logout: revokes the session on the server and expires the cookie; 204 either way. */
export const handler = httpHandler({}, async ({ token, services: { sessions, cookie } }) => {
  await sessions.end(token);
  return { status: 204, cookies: [expiredSessionCookie(cookie)] };
});
