import { adminAccountChanges } from '#shared/compose/account-lifecycle';
import { adminUserPathSchema } from '#shared/auth/admin-users';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** POST /admin/users/{id}/enable (administrators, after a step-up): lets a disabled account log in again. */
export const handler = sessionRoute(
  {
    routes: ['POST /admin/users/{id}/enable'],
    doc: {
      summary: 'Enable an account',
      tag: 'Administration',
      responses: {
        204: { description: 'Enabled: it can log in again (its ended sessions stay ended).' },
        400: docs.error('An id that is not an account id (`invalid_input`).'),
        404: docs.error('No such account (`not_found`).'),
      },
    },
    session: 'required',
    admin: true,
    stepUp: true,
    path: adminUserPathSchema,
    services: { admin: adminAccountChanges },
  },
  async ({ session, path, facts, services: { admin } }) => {
    const target = await admin.enable(session, path.id);
    recordEvent('adminEnabledUser', { userId: session.userId, targetId: target.id, ...facts });
    return { status: 204 };
  },
);
