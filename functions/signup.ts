import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { accountCreationService } from '#shared/compose/accounts';
import { cookieOptions, sessionStartService } from '#shared/compose/sessions';

import { signupBodySchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { verificationLinksService } from '#shared/compose/recovery';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /signup: creates a `user` and signs them in. */
export const handler = apiRoute(
  {
    routes: ['POST /signup'],
    doc: {
      summary: 'Create an account and sign in',
      tag: 'Accounts and sessions',
      responses: {
        201: { description: 'The new user; the session cookie is set.', body: answers.user },
        400: docs.error('Invalid input (`invalid_input`, with `fields`).'),
        409: docs.error('The username is taken, in any case (`username_taken`).'),
        429: docs.limited('signups from this address (20 in 10 minutes)'),
      },
    },
    memory: 'password',
    body: (config) => signupBodySchema(config.PASSWORD_MIN_LENGTH),
    services: {
      accounts: accountCreationService,
      sessions: sessionStartService,
      cookie: cookieOptions,
      verification: verificationLinksService,
      limits: requestLimitsService,
    },
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
