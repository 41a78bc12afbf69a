import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { accountsService } from '#shared/compose/accounts';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';

import { signupBodySchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { httpHandler } from '#shared/http/handler';
import { verificationLinksService } from '#shared/compose/recovery';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';

/** POST /signup: creates a `user` and signs them in. */
export const handler = httpHandler(
  {
    body: (config) => signupBodySchema(config.PASSWORD_MIN_LENGTH),
    compose: (config) => ({
      accounts: accountsService(config),
      sessions: sessionsService(config),
      cookie: cookieOptions(config),
      verification: verificationLinksService(config),
      limits: requestLimitsService(config),
    }),
  },
  async ({ body, facts, event, services: { accounts, verification, limits, ...issuing } }) => {
    await withinLimit(limits, 'signup', { ip: facts.clientIp }, facts);
    const user = await accounts.signUp(body);
    const [session, verificationMail] = await Promise.all([
      // Signup ends no session (its role may not delete one): the new cookie replaces any the browser had.
      issueSession(issuing, user, { event, facts, previous: undefined }),
      verification.firstLink(user),
    ]);
    recordEvent('signup', { userId: user.id, username: user.username, verificationMail, ...facts });
    return {
      status: 201,
      body: publicUser(user),
      cookies: [session.cookie],
    };
  },
);
