import { adminUserPathSchema } from '#shared/auth/admin-users';
import { adminAccountService } from '#shared/compose/account-lifecycle';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';

/** GET /admin/users/{id} (administrators): one account, with how many sessions, passkeys, identities, registrations. */
export const handler = sessionRoute(
  {
    routes: ['GET /admin/users/{id}'],
    doc: {
      summary: 'Look at an account',
      tag: 'Administration',
      responses: {
        200: {
          description: 'The account and its counts (live sessions only).',
          body: answers.adminUserDetail,
        },
        400: docs.error('An id that is not an account id (`invalid_input`).'),
        404: docs.error('No such account (`not_found`).'),
      },
    },
    session: 'required',
    admin: true,
    path: adminUserPathSchema,
    services: { accounts: adminAccountService },
  },
  async ({ path, services: { accounts } }) => ({ status: 200, body: await accounts.get(path.id) }),
);
