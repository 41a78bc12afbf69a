import type { ResponseDoc } from '#shared/http/route';

/*
 * The answers many routes describe alike, for their declarations' `doc` (shared/http/route.ts).
 */

export const error = (description: string): ResponseDoc => ({ description, body: 'error' });

export const unauthorized = error('No valid session (`unauthorized`).');

/** A per-client limit (README, "Security"): nothing was created, hashed or mailed. */
export const limited = (what: string) =>
  error(`Too many ${what} (\`too_many_requests\`): nothing was done; see \`Retry-After\`.`);

/** A sensitive change without a recent proof of who the user is (step-up, shared/auth/step-up.ts). */
export const stale = error(
  'The session has not proved who the user is within `REAUTH_WINDOW_SECONDS` (`reauthentication_required`): nothing was changed; `POST /reauth`, then try again.',
);

/** A route for administrators, called by a plain user. */
export const adminsOnly = error(
  "The session is not an administrator's (`forbidden`): nothing was read or changed.",
);

/** An admin route refused because it would lock its caller out (shared/auth/admin-users.ts). */
export const adminsAnswers = (action: string) => ({
  404: error('No such account (`not_found`).'),
  409: error(`An administrator cannot ${action} their own account (\`self_action\`).`),
});

export const notFound = error('No such resource, or not yours (`not_found`): its existence is not revealed.');
