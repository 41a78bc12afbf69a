import type { OutcomeKind } from '#shared/platform/outcomes';

/** The one place a domain outcome becomes an HTTP status. */
export const OUTCOME_STATUS: Record<OutcomeKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  too_many: 429,
};
