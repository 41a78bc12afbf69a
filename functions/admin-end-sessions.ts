import { adminAccountChanges } from '#shared/compose/account-lifecycle';
import { adminUserPathSchema } from '#shared/auth/admin-users';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** DELETE /admin/users/{id}/sessions (administrators, after a step-up): ends every session and device token of the account in one write. */
export const handler = sessionRoute(
  {
    routes: ['DELETE /admin/users/{id}/sessions'],
    doc: {
      summary: "End an account's sessions",
      tag: 'Administration',
      responses: {
        204: { description: 'Every session and device token of the account ended, in one write.' },
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
    const target = await admin.endSessions(session, path.id);
    recordEvent('adminEndedSessions', { userId: session.userId, targetId: target.id, ...facts });
    return { status: 204 };
  },
);
