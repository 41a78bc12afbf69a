/**
 * Every operation of the API (docs/openapi.json), and where a person does it in the browser client: the
 * page and the control (its id or data-action in client/app.ts, which calls the operation), or why a
 * person never does it there. A new route arrives with its page, or with its reason: the unit test
 * (test/unit/client-coverage.test.ts) fails on an operation that has neither.
 */
export type Coverage =
  | { page: string; control: string }
  /** A page the browser navigates to (a sign-in at a provider), not a call: the source builds its address. */
  | { page: string; control: string; navigates: true }
  | { never: string };

export const CLIENT_COVERAGE: Record<string, Coverage> = {
  'POST /signup': { page: '#/signup', control: 'signup-form' },
  'POST /token': {
    never:
      "access tokens are for the stage's other services; the browser client keeps none (its session is the cookie)",
  },
  'GET /.well-known/jwks.json': { never: 'read by the services that verify access tokens, not by a person' },
  'GET /.well-known/openid-configuration': {
    never: 'read by token verifiers (API Gateway, jose), not by a person',
  },
  'POST /login': { page: '#/login', control: 'login-form' },
  'POST /logout': { page: 'every page (header)', control: 'logout' },
  'DELETE /logout': { never: 'the same logout as POST /logout, for clients that prefer DELETE' },
  'GET /check_session': { page: 'every page (is someone signed in)', control: 'route' },
  'GET /home': { never: "the API's own greeting, for API clients; the client greets from the session" },
  'POST /home': { never: 'the same greeting as GET /home' },
  'POST /password': { page: '#/account', control: 'password-form' },
  'DELETE /sessions': { page: '#/account', control: 'logout-everywhere-yes' },
  'GET /sessions': { page: '#/account', control: 'sessions' },
  'DELETE /sessions/{id}': { page: '#/account', control: 'end-session' },
  'PUT /email': { page: '#/account', control: 'email-form' },
  'POST /email/verify': { page: '/verify-email (the link in the mail)', control: 'verifyEmailView' },
  'POST /password/forgot': { page: '#/forgot', control: 'forgot-form' },
  'POST /password/reset': { page: '/reset-password (the link in the mail)', control: 'reset-form' },
  'POST /login/mfa': { page: '#/login, after the password', control: 'mfa-form' },
  'POST /passkeys/register/options': { page: '#/account', control: 'passkey-add' },
  'POST /passkeys/register': { page: '#/account', control: 'passkey-add' },
  'GET /passkeys': { page: '#/account', control: 'passkeys' },
  'DELETE /passkeys/{id}': { page: '#/account', control: 'remove-passkey' },
  'POST /passkeys/login/options': { page: '#/login', control: 'passkey-login' },
  'POST /passkeys/login': { page: '#/login', control: 'passkey-login' },
  'POST /reauth': { page: 'the step-up dialog of #/account', control: 'reauth-form' },
  'POST /mfa/totp': { page: '#/account', control: 'totp-begin' },
  'POST /mfa/totp/confirm': { page: '#/account', control: 'totp-confirm' },
  'DELETE /mfa/totp': { page: '#/account', control: 'totp-disable' },
  'POST /mfa/recovery-codes': { page: '#/account', control: 'totp-renew' },
  'POST /registrations': { page: '#/registrations', control: 'registration-form' },
  'GET /registrations': { page: '#/registrations', control: 'registrations' },
  'GET /registrations/{id}': { never: 'the list shows every field of each registration; for API clients' },
  'DELETE /registrations/{id}': { page: '#/registrations', control: 'delete' },
  'POST /registrations/{id}/payment': { page: '#/registrations (admins)', control: 'pay' },
  'GET /auth/providers': { page: '#/login, #/signup and #/account', control: 'providers' },
  'GET /auth/{provider}/start': {
    page: '#/login, #/signup and #/account',
    control: 'providerStart',
    navigates: true,
  },
  'GET /auth/{provider}/callback': {
    never: 'the provider sends the browser there; the client reads the outcome it adds',
  },
  'POST /auth/{provider}/callback': { never: "Apple's form post of the same answer, from Apple's page" },
  'GET /identities': { page: '#/account', control: 'identities' },
  'DELETE /identities/{id}': { page: '#/account', control: 'unlink-identity' },
  'GET /account/export': { page: '#/account', control: 'export-data' },
  'DELETE /account': { page: '#/account', control: 'delete-account-form' },
  'GET /admin/users': { page: '#/admin (admins)', control: 'admin-search' },
  'GET /admin/users/{id}': { page: '#/admin (admins)', control: 'user-details' },
  'POST /admin/users/{id}/disable': { page: '#/admin (admins)', control: 'disable' },
  'POST /admin/users/{id}/enable': { page: '#/admin (admins)', control: 'enable' },
  'DELETE /admin/users/{id}/sessions': { page: '#/admin (admins)', control: 'end-sessions' },
  'PUT /admin/users/{id}/role': { page: '#/admin (admins)', control: 'make-admin' },
  'DELETE /admin/users/{id}': { page: '#/admin (admins)', control: 'confirm-delete' },
};

type OpenApi = { paths: Record<string, Record<string, unknown>> };
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The operations of an OpenAPI document, as `METHOD /path`. */
export const operationsOf = (document: OpenApi): string[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

/**
 * What is wrong with the coverage of a document by a client's source: an operation with no line, a line
 * for an operation the document no longer has, a control the source does not name, or an operation the
 * source never calls.
 */
export function coverageProblems(
  document: OpenApi,
  source: string,
  coverage: Record<string, Coverage> = CLIENT_COVERAGE,
): string[] {
  const operations = operationsOf(document);
  const problems: string[] = [];
  for (const operation of operations) {
    const line = coverage[operation];
    if (!line) {
      problems.push(`${operation}: no page and control calls it, and no reason says why none does`);
      continue;
    }
    if ('never' in line) continue;
    const [method, path = ''] = operation.split(' ');
    if ('navigates' in line) {
      // The address built in a template: `/auth/${encodeURIComponent(provider)}/start`.
      const template = path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
      if (!new RegExp(template.join('\\$\\{[^}]+\\}')).test(source))
        problems.push(`${operation}: the client never sends the browser there`);
    } else if (!source.includes(`api.${method}('${path}'`))
      problems.push(`${operation}: the client never calls it`);
    const named = new RegExp(`['"#]${line.control}['"]|(function|const) ${line.control}\\b`);
    if (!named.test(source)) problems.push(`${operation}: the client names no control ${line.control}`);
  }
  for (const operation of Object.keys(coverage))
    if (!operations.includes(operation)) problems.push(`${operation}: not an operation of the document`);
  return problems;
}
