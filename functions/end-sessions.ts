import { credentialVersionsService } from '#shared/compose/credential-versions';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';

/** DELETE /sessions: logs the user out everywhere, this session included, and retires their device tokens. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: (config) => ({
      sessions: sessionsService(config),
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
