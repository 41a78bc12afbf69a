import { adminChangeRoute } from '#shared/http/admin-change';

/** DELETE /admin/users/{id}/sessions: ends every session and device token of the account in one write. */
export const handler = adminChangeRoute({
  route: 'DELETE /admin/users/{id}/sessions',
  summary: "End an account's sessions",
  done: 'Every session and device token of the account ended, in one write.',
  action: 'endSessions',
  event: 'adminEndedSessions',
});
