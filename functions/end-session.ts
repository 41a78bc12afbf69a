import { cookieOptions, sessionEndService } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { recordEvent } from '#shared/platform/events';
import { notFound } from '#shared/platform/outcomes';
import { sessionPathSchema } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as docs from '#shared/http/route-docs';

/**
 * DELETE /sessions/{id}: ends one of the caller's sessions at once; their current one is a logout. Any id
 * that is not one of the caller's live sessions is the same 404, whoever's it is.
 */
export const handler = sessionRoute(
  {
    routes: ['DELETE /sessions/{id}'],
    doc: {
      summary: 'End one of your sessions',
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'Ended at once; your current one is a logout (the cookie is expired).' },
        404: docs.error('Not one of your live sessions (`not_found`).'),
      },
    },
    session: 'required',
    path: sessionPathSchema,
    services: { cookie: cookieOptions, ending: sessionEndService },
  },
  async ({ session, path, facts, services: { ending, cookie } }) => {
    const ended = await ending.endOneOf(session, path.id);
    if (!ended) throw notFound();
    recordEvent('sessionEnded', { userId: session.userId, endedSession: path.id, ...facts });
    return { status: 204, ...(ended.endedCurrent ? { cookies: [expiredSessionCookie(cookie)] } : {}) };
  },
);
