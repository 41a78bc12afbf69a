import { sessionUser } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';

/** GET /check_session: the signed-in user, or 204 with no body when there is no valid session. */
export const handler = sessionRoute(
  {
    routes: ['GET /check_session'],
    doc: {
      summary: 'The signed-in user, if any',
      tag: 'Accounts and sessions',
      responses: {
        200: { description: 'The signed-in user.', body: answers.user },
        204: { description: 'No valid session.' },
      },
    },
    session: 'optional',
  },
  async ({ session }) => (session ? { status: 200, body: sessionUser(session) } : { status: 204 }),
);
