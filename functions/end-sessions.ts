import { credentialVersionsService } from '#shared/compose/credential-versions';
import { cookieOptions } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** DELETE /sessions: logs the user out everywhere, this session included, and retires their device tokens. */
export const handler = sessionHandler(
  {
    session: 'required',
    compose: (config) => ({
      credentials: credentialVersionsService(config),
      cookie: cookieOptions(config),
    }),
  },
  async ({ session, facts, services: { credentials, cookie } }) => {
    const ended = await credentials.endEverywhere(session);
    recordEvent('sessionsRevoked', { userId: session.userId, sessionsEnded: ended, ...facts });
    return { status: 204, cookies: [expiredSessionCookie(cookie)] };
  },
);
