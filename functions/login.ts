import { publicUser } from '#shared/accounts';
import { sessionCookie } from '#shared/cookies';
import { loginBodySchema } from '#shared/credentials';
import { recordEvent, requestFacts } from '#shared/events';
import { invalidCredentials } from '#shared/http/errors';
import { httpHandler } from '#shared/http/handler';

/** POST /login: one answer for an unknown user and a wrong password; a fresh session on success. */
export const handler = httpHandler({ body: () => loginBodySchema }, async ({ body, event, services }) => {
  const { accounts, sessions, cookie } = services;
  const user = await accounts.checkCredentials(body);
  if (!user) {
    recordEvent('loginFailed', { username: body.username, ...requestFacts(event) });
    throw invalidCredentials();
  }
  const { token } = await sessions.start(user);
  recordEvent('loginSucceeded', { userId: user.id, username: user.username, ...requestFacts(event) });
  return {
    status: 200,
    body: publicUser(user),
    cookies: [sessionCookie(cookie, token, sessions.lifetimeSeconds)],
  };
});
