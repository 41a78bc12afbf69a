import { adminChangeRoute } from '#shared/http/admin-change';

/** POST /admin/users/{id}/enable: lets a disabled account log in again. */
export const handler = adminChangeRoute({
  route: 'POST /admin/users/{id}/enable',
  summary: 'Enable an account',
  done: 'Enabled: it can log in again (the sessions disabling ended stay ended).',
  action: 'enable',
  event: 'adminEnabledUser',
});
