import { describe, expect, it } from 'vitest';
import { isUnavailable } from '#shared/http/error-handler';

const awsError = (name: string, status?: number, code?: string) =>
  Object.assign(new Error(name), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
    ...(code ? { code } : {}),
  });

describe('what a client is told to retry (503) rather than reported broken (500)', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400],
    ['ThrottlingException', 400],
    ['RequestLimitExceeded', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
    ['TimeoutError', undefined],
  ])('%s', (name, status) => expect(isUnavailable(awsError(name, status))).toBe(true));

  it('counts dropped connections and any AWS 5xx', () => {
    expect(isUnavailable(awsError('Error', undefined, 'ECONNRESET'))).toBe(true);
    expect(isUnavailable(awsError('SomethingNew', 502))).toBe(true);
  });

  it('leaves our own bugs and refusals alone', () => {
    expect(isUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isUnavailable(awsError('AccessDeniedException', 400))).toBe(false);
    expect(isUnavailable(awsError('ValidationException', 400))).toBe(false);
    expect(isUnavailable('a string')).toBe(false);
  });
});
