import { adminSearchQuerySchema } from '#shared/auth/admin-users';
import { adminSearchService } from '#shared/compose/account-lifecycle';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';

/** GET /admin/users?query=&limit=&cursor= (administrators): accounts by name or address prefix. */
export const handler = sessionRoute(
  {
    routes: ['GET /admin/users'],
    doc: {
      summary: 'Find accounts',
      tag: 'Administration',
      query: {
        query: {
          description: 'A username or email prefix, any case; every account when absent.',
          schema: { type: 'string', maxLength: 254 },
        },
        limit: {
          description: 'Page size, 1-100 (default 20).',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        cursor: { description: 'The `nextCursor` of the previous page.', schema: { type: 'string' } },
      },
      responses: {
        200: {
          description:
            'A page, in the order of the name or address that matched (an account matching both is listed once); `nextCursor` when there may be more. Read from indexes, never a Scan: an account made a moment ago may show a moment later.',
          body: answers.adminUserPage,
        },
        400: docs.error('A bad `query` or `limit` (`invalid_input`) or `cursor` (`invalid_cursor`).'),
      },
    },
    session: 'required',
    admin: true,
    query: adminSearchQuerySchema,
    services: { directory: adminSearchService },
  },
  async ({ query, services: { directory } }) => ({
    status: 200,
    body: await directory.search(query.query ?? '', query.limit ?? 20, query.cursor),
  }),
);
