import { sessionListService } from '#shared/compose/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';

/** GET /sessions: the caller's live sessions, where they are signed in, most recently active first. */
export const handler = sessionRoute(
  {
    routes: ['GET /sessions'],
    doc: {
      summary: 'Where you are signed in',
      tag: 'Accounts and sessions',
      responses: {
        200: { description: 'Your live sessions, most recently active first.', body: answers.sessionList },
      },
    },
    session: 'required',
    services: { listing: sessionListService },
  },
  async ({ session, services: { listing } }) => ({
    status: 200,
    body: { items: await listing.listOf(session) },
  }),
);
