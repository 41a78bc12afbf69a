import { adminUserPathSchema, roleBodySchema } from '#shared/auth/admin-users';
import { adminAccountChanges } from '#shared/compose/account-lifecycle';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** PUT /admin/users/{id}/role (administrators, after a step-up): makes the account a user or an admin. */
export const handler = sessionRoute(
  {
    routes: ['PUT /admin/users/{id}/role'],
    doc: {
      summary: "Set an account's role",
      tag: 'Administration',
      responses: {
        204: { description: "Set: it counts from the account's next request, in every session it has." },
        400: docs.error(
          'An id that is not an account id, or a role other than `user` or `admin` (`invalid_input`).',
        ),
        ...docs.adminsAnswers('demote'),
      },
    },
    session: 'required',
    admin: true,
    stepUp: true,
    path: adminUserPathSchema,
    body: () => roleBodySchema,
    services: { admin: adminAccountChanges },
  },
  async ({ session, path, body, facts, services: { admin } }) => {
    const target = await admin.setRole(session, path.id, body.role);
    recordEvent('adminSetRole', { userId: session.userId, targetId: target.id, role: body.role, ...facts });
    return { status: 204 };
  },
);
