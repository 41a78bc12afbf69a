import { adminDeletionService } from '#shared/compose/account-lifecycle';
import { securityNoticesService } from '#shared/compose/notices';
import { recordAccountDeletion } from '#shared/http/account-deletion';
import { sendNotice } from '#shared/http/security-notice';
import { adminUserPathSchema } from '#shared/auth/admin-users';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';

/** DELETE /admin/users/{id} (administrators, after a step-up): deletes the account as its owner would (`DELETE /account`). */
export const handler = sessionRoute(
  {
    routes: ['DELETE /admin/users/{id}'],
    doc: {
      summary: 'Delete an account',
      tag: 'Administration',
      responses: {
        204: {
          description:
            'Deleted, as its owner would delete it (`DELETE /account`), and its verified address told.',
        },
        400: docs.error('An id that is not an account id (`invalid_input`).'),
        ...docs.adminsAnswers('delete'),
      },
    },
    session: 'required',
    admin: true,
    stepUp: true,
    path: adminUserPathSchema,
    services: { admin: adminDeletionService, notices: securityNoticesService },
  },
  async ({ session, path, event, facts, services: { admin, notices } }) => {
    const deleted = await admin.delete(session, path.id);
    recordAccountDeletion('adminDeletedUser', deleted, { userId: session.userId, ...facts });
    await sendNotice(notices, { ...deleted.ended, userId: deleted.ended.id }, 'account_deleted', {
      event,
      facts,
    });
    return { status: 204 };
  },
);
