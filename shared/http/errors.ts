/**
 * The errors a handler may throw. Each carries the HTTP status and the snake_case code of the contract's
 * error body `{"error": {"code", "message", "fields"?}}`; the error middleware renders them. Anything else
 * thrown is a 500 whose details stay in the log.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string;
  /** Per-field messages, so a client can show each next to its input. */
  readonly fields?: Record<string, string>;
  readonly headers?: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    fields?: Record<string, string>,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.headers = headers;
  }
}

/** Invalid input is a 400 with per-field problems, built one way: the domain's outcome (shared/platform). */
export { invalid as invalidInput } from '#shared/platform/outcomes';

export const malformedJson = () =>
  new HttpError(400, 'malformed_json', 'The request body is not valid JSON.');

export const unsupportedMediaType = () =>
  new HttpError(
    415,
    'unsupported_media_type',
    'The request body must be sent as Content-Type: application/json.',
  );

export const payloadTooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `The request body must not exceed ${limit} bytes.`);

export const unauthorized = () => new HttpError(401, 'unauthorized', 'A valid session is required.');

export const invalidCredentials = () =>
  new HttpError(401, 'invalid_credentials', 'The username or password is incorrect.');
