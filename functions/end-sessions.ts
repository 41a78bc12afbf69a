import { credentialVersionsService } from '#shared/compose/credential-versions';
import { cookieOptions } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { recordEvent } from '#shared/platform/events';
import { sessionRoute } from '#shared/http/session-handler';

/** DELETE /sessions: logs the user out everywhere, this session included, and retires their device tokens. */
export const handler = sessionRoute(
  {
    routes: ['DELETE /sessions'],
    doc: {
      summary: 'Sign out everywhere',
      tag: 'Accounts and sessions',
      responses: { 204: { description: 'Every session of the user has ended.' } },
    },
    session: 'required',
    services: {
      credentials: credentialVersionsService,
      cookie: cookieOptions,
    },
  },
  async ({ session, facts, services: { credentials, cookie } }) => {
    const ended = await credentials.endEverywhere(session);
    recordEvent('sessionsRevoked', { userId: session.userId, sessionsEnded: ended, ...facts });
    return { status: 204, cookies: [expiredSessionCookie(cookie)] };
  },
);
