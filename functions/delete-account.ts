import { accountDeletionService } from '#shared/compose/account-lifecycle';
import { securityNoticesService } from '#shared/compose/notices';
import { cookieOptions } from '#shared/compose/sessions';
import { expiredSessionCookie } from '#shared/http/cookies';
import { sendNotice } from '#shared/http/security-notice';
import { sessionRoute } from '#shared/http/session-handler';
import { recordAccountDeletion } from '#shared/http/account-deletion';

/** DELETE /account: deletes the signed-in account and what belongs to it (GDPR art. 17), after a step-up. */
export const handler = sessionRoute(
  {
    routes: ['DELETE /account'],
    doc: {
      summary: 'Delete my account',
      tag: 'Accounts and sessions',
      responses: {
        204: {
          description:
            'Deleted: every session and device token has ended, login answers as for an unknown name; passkeys, linked providers, mailed links and unpaid registrations are gone, paid registrations are kept without your name and address, and a notice goes to the verified address. The cookie is expired.',
        },
      },
    },
    session: 'required',
    stepUp: true,
    services: { deletion: accountDeletionService, notices: securityNoticesService, cookie: cookieOptions },
  },
  async ({ session, event, facts, services: { deletion, notices, cookie } }) => {
    const deleted = await deletion.delete({ username: session.username, userId: session.userId });
    recordAccountDeletion('accountDeleted', deleted, { userId: session.userId, ...facts });
    await sendNotice(notices, { ...deleted.ended, userId: deleted.ended.id }, 'account_deleted', {
      event,
      facts,
    });
    return { status: 204, cookies: [expiredSessionCookie(cookie)] };
  },
);
