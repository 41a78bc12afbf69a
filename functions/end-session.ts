import { cookieOptions } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';
import { notFound } from '#shared/platform/outcomes';
import { sessionPathSchema } from '#shared/auth/sessions';

/**
 * DELETE /sessions/{id}: ends one of the caller's sessions at once; their current one is a logout. Any id
 * that is not one of the caller's live sessions is the same 404, whoever's it is.
 */
export const handler = sessionHandler(
  {
    session: 'required',
    path: sessionPathSchema,
    compose: (config) => ({ cookie: cookieOptions(config) }),
  },
  async ({ session, path, facts, services: { sessions, cookie } }) => {
    const ended = await sessions.endOneOf(session, path.id);
    if (!ended) throw notFound();
    recordEvent('sessionEnded', { userId: session.userId, endedSession: path.id, ...facts });
    return { status: 204, ...(ended.endedCurrent ? { cookies: [expiredSessionCookie(cookie)] } : {}) };
  },
);
