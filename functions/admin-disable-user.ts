import { adminChangeRoute } from '#shared/http/admin-change';

/** POST /admin/users/{id}/disable: refuses the account's logins and ends every session and device token it has. */
export const handler = adminChangeRoute({
  route: 'POST /admin/users/{id}/disable',
  summary: 'Disable an account',
  done: 'Disabled: every session and device token ended for good; its logins are refused as a wrong password would be.',
  selfAction: 'disable',
  action: 'disable',
  event: 'adminDisabledUser',
});
