import { registrationListing } from '#shared/compose/registrations';
import { listQuerySchema, publicRegistration } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** GET /registrations?limit=&cursor=: the caller's own (an admin's: all), newest first. */
export const handler = sessionRoute(
  {
    routes: ['GET /registrations'],
    doc: {
      summary: 'Your registrations (an admin: all), newest first',
      tag: 'Registrations',
      query: {
        limit: {
          description: 'Page size, 1-100 (default 20).',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        cursor: { description: 'The `nextCursor` of the previous page.', schema: { type: 'string' } },
      },
      responses: {
        200: { description: 'A page.', body: answers.registrationPage },
        400: docs.error('A bad `limit` (`invalid_input`) or `cursor` (`invalid_cursor`).'),
      },
    },
    session: 'required',
    query: listQuerySchema,
    services: { registrations: registrationListing },
  },
  async ({ session, query, services: { registrations } }) => {
    const page = await registrations.list(sessionViewer(session), query);
    return { status: 200, body: { ...page, items: page.items.map(publicRegistration) } };
  },
);
