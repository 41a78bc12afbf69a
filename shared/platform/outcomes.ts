/**
 * What the domain answers when a request cannot be done, in its own words: not found, forbidden, a
 * conflict, invalid input, too many attempts. It knows nothing of HTTP; the edge maps each kind to a status
 * in one table (shared/http/outcome-status.ts), and the error middleware renders it.
 */
export type OutcomeKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid' | 'unprocessable' | 'too_many';

export class DomainError extends Error {
  override name = 'DomainError';
  readonly kind: OutcomeKind;
  /** The contract's snake_case error code. */
  readonly code: string;
  /** Per-field problems, for invalid input. */
  readonly fields?: Record<string, string>;
  /** For too many attempts: when to try again. */
  readonly retryAfterSeconds?: number;

  constructor(
    kind: OutcomeKind,
    code: string,
    message: string,
    details: { fields?: Record<string, string>; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.fields = details.fields;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export const notFound = () => new DomainError('not_found', 'not_found', 'No such route or resource.');

export const forbidden = (message: string) => new DomainError('forbidden', 'forbidden', message);

export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);

/** Well-formed, but it cannot be done as asked (a key reused for another request). */
export const unprocessable = (code: string, message: string) =>
  new DomainError('unprocessable', code, message);

export const invalid = (fields: Record<string, string>, code = 'invalid_input') =>
  new DomainError(
    'invalid',
    code,
    Object.entries(fields)
      .map(([field, problem]) => `${field}: ${problem}`)
      .join('; '),
    { fields },
  );

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new DomainError(
    'too_many',
    'too_many_attempts',
    'Too many failed logins. Please wait before trying again.',
    {
      retryAfterSeconds,
    },
  );

/** A limit on what costs mail or work was reached (not a failed login): try again after `retryAfterSeconds`. */
export const tooManyRequests = (retryAfterSeconds: number, message: string) =>
  new DomainError('too_many', 'too_many_requests', message, { retryAfterSeconds });
