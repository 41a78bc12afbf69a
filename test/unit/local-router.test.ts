import { describe, expect, it } from 'vitest';
import { createRouter } from '#infra/local/router';

const route = createRouter([
  'POST /signup',
  'GET /registrations',
  'GET /registrations/{id}',
  'POST /registrations/{id}/payment',
  'GET /registrations/mine',
  'ANY /files/{path+}',
  '$default',
]);

describe('local route selection, as API Gateway does it', () => {
  it('matches method and literal path', () => {
    expect(route('POST', '/signup')).toEqual({ routeKey: 'POST /signup' });
    expect(route('GET', '/signup')).toEqual({ routeKey: '$default' });
  });

  it('extracts and decodes path parameters', () => {
    expect(route('GET', '/registrations/a%20b')).toEqual({
      routeKey: 'GET /registrations/{id}',
      pathParameters: { id: 'a b' },
    });
    expect(route('POST', '/registrations/r1/payment')).toEqual({
      routeKey: 'POST /registrations/{id}/payment',
      pathParameters: { id: 'r1' },
    });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(route('GET', '/registrations/mine')).toEqual({ routeKey: 'GET /registrations/mine' });
  });

  it('supports greedy parameters and ANY', () => {
    expect(route('DELETE', '/files/a/b/c')).toEqual({
      routeKey: 'ANY /files/{path+}',
      pathParameters: { path: 'a/b/c' },
    });
  });

  it('sends everything else to $default, or nowhere without one', () => {
    expect(route('GET', '/registrations/a/b')).toEqual({ routeKey: '$default' });
    expect(createRouter(['GET /a'])('GET', '/b')).toBeUndefined();
  });

  it('matches the raw path: no collapsing of // and no resolving of /../', () => {
    expect(route('POST', '//signup')).toEqual({ routeKey: '$default' });
    expect(route('POST', '/signup/')).toEqual({ routeKey: '$default' });
    expect(route('POST', '/registrations/../signup')).toEqual({ routeKey: '$default' });
    expect(route('GET', '/registrations//')).toEqual({ routeKey: '$default' });
  });

  it('calls a path whose percent-escapes do not decode malformed, instead of throwing', () => {
    expect(route('GET', '/registrations/%E0%A4%A')).toBe('malformed');
    expect(route('GET', '/%ZZ')).toBe('malformed');
    expect(route('GET', '/registrations/%41')).toEqual({
      routeKey: 'GET /registrations/{id}',
      pathParameters: { id: 'A' },
    });
  });
});
