import { adminUserPathSchema } from '#shared/auth/admin-users';
import { adminAccountChanges } from '#shared/compose/account-lifecycle';
import type { ApiRoute } from '#shared/http/route';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { type EventName, recordEvent } from '#shared/platform/events';

/**
 * An admin's change to one account named by id, with no body (disable, enable, end its sessions): for
 * administrators, after a step-up; 204, and an audit line naming the admin and the account. Each is still
 * its own route and function (functions/admin-*.ts); this is what they share.
 */
export function adminChangeRoute(change: {
  route: string;
  summary: string;
  /** What the 204 means. */
  done: string;
  /** What an admin may not do to themself (`self_action`), when the change is one of those. */
  selfAction?: string;
  action: 'disable' | 'enable' | 'endSessions';
  event: EventName;
}): ApiRoute {
  return sessionRoute(
    {
      routes: [change.route],
      doc: {
        summary: change.summary,
        tag: 'Administration',
        responses: {
          204: { description: change.done },
          400: docs.error('An id that is not an account id (`invalid_input`).'),
          ...(change.selfAction
            ? docs.adminsAnswers(change.selfAction)
            : { 404: docs.error('No such account (`not_found`).') }),
        },
      },
      session: 'required',
      admin: true,
      stepUp: true,
      path: adminUserPathSchema,
      services: { admin: adminAccountChanges },
    },
    async ({ session, path, facts, services: { admin } }) => {
      const target = await admin[change.action](session, path.id);
      recordEvent(change.event, { userId: session.userId, targetId: target.id, ...facts });
      return { status: 204 };
    },
  );
}
