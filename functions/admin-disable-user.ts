import { adminAccountChanges } from '#shared/compose/account-lifecycle';
import { adminUserPathSchema } from '#shared/auth/admin-users';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** POST /admin/users/{id}/disable (administrators, after a step-up): refuses the account's logins and ends every session it has, at once. */
export const handler = sessionRoute(
  {
    routes: ['POST /admin/users/{id}/disable'],
    doc: {
      summary: 'Disable an account',
      tag: 'Administration',
      responses: {
        204: {
          description:
            'Disabled: every session ended at once; its logins are refused as a wrong password would be.',
        },
        400: docs.error('An id that is not an account id (`invalid_input`).'),
        ...docs.adminsAnswers('disable'),
      },
    },
    session: 'required',
    admin: true,
    stepUp: true,
    path: adminUserPathSchema,
    services: { admin: adminAccountChanges },
  },
  async ({ session, path, facts, services: { admin } }) => {
    const target = await admin.disable(session, path.id);
    recordEvent('adminDisabledUser', { userId: session.userId, targetId: target.id, ...facts });
    return { status: 204 };
  },
);
