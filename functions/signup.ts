import { publicUser } from '#shared/accounts';
import { accountsService } from '#shared/compose/accounts';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { sessionCookie } from '#shared/cookies';
import { signupBodySchema } from '#shared/credentials';
import { UsernameTakenError } from '#shared/data/users';
import { recordEvent, requestFacts } from '#shared/events';
import { conflict } from '#shared/http/errors';
import { httpHandler } from '#shared/http/handler';

/** POST /signup: creates a `user` and signs them in. */
export const handler = httpHandler(
  {
    body: (config) => signupBodySchema(config.PASSWORD_MIN_LENGTH),
    compose: (config) => ({
      accounts: accountsService(config),
      sessions: sessionsService(config),
      cookie: cookieOptions(config),
    }),
  },
  async ({ body, event, services: { accounts, sessions, cookie } }) => {
    const user = await accounts.signUp(body).catch((error: unknown) => {
      if (error instanceof UsernameTakenError)
        throw conflict('username_taken', 'That username is already taken.');
      throw error;
    });
    const { token } = await sessions.start(user);
    recordEvent('signup', { userId: user.id, username: user.username, ...requestFacts(event) });
    return {
      status: 201,
      body: publicUser(user),
      cookies: [sessionCookie(cookie, token, sessions.lifetimeSeconds)],
    };
  },
);
