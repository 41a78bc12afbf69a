import { describe, expect, it } from 'vitest';
import { apiUrl, call, errorCode, signUp, uniqueUsername } from './http-client.ts';

const ALLOWED = 'http://app.allowed.test';
const EVIL = 'https://evil.example';

describe('CSRF: state-changing requests from browsers must come from an allowed origin', () => {
  it('refuses a cookie-carrying POST from another origin with 403 forbidden_origin', async () => {
    const { token } = await signUp();
    const response = await call('POST', '/home', { token, headers: { origin: EVIL } });
    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('forbidden_origin');
  });

  it('refuses a cross-site request that sends only Sec-Fetch-Site', async () => {
    const { token } = await signUp();
    for (const site of ['cross-site', 'same-site']) {
      expect(
        (await call('DELETE', '/logout', { token, headers: { 'sec-fetch-site': site } })).status,
        site,
      ).toBe(403);
    }
    // The session survived the refused logout.
    expect((await call('GET', '/home', { token })).status).toBe(200);
  });

  it('refuses a null origin (sandboxed frames, file: pages)', async () => {
    const { token } = await signUp();
    expect((await call('POST', '/home', { token, headers: { origin: 'null' } })).status).toBe(403);
  });

  it('refuses login CSRF: a cross-origin login stores no session', async () => {
    const { username, password } = await signUp();
    const response = await call('POST', '/login', {
      json: { username, password },
      headers: { origin: EVIL },
    });
    expect(response.status).toBe(403);
    expect(response.setCookies).toEqual([]);
  });

  it('lets through the same origin, an allowed origin, same-origin fetch metadata, and non-browser clients', async () => {
    const { token } = await signUp();
    const own = new URL(apiUrl).origin;
    const cases: Record<string, string>[] = [
      { origin: own },
      { origin: ALLOWED },
      { 'sec-fetch-site': 'same-origin' },
      {},
    ];
    for (const headers of cases) {
      expect((await call('POST', '/home', { token, headers })).status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('does not apply to reads', async () => {
    const { token } = await signUp();
    expect((await call('GET', '/home', { token, headers: { origin: EVIL } })).status).toBe(200);
  });

  it('refuses a cross-origin signup and stores nothing', async () => {
    const username = uniqueUsername();
    const response = await call('POST', '/signup', {
      json: { username, password: 'long enough passphrase' },
      headers: { origin: EVIL },
    });
    expect(response.status).toBe(403);
    const again = await call('POST', '/signup', { json: { username, password: 'long enough passphrase' } });
    expect(again.status).toBe(201);
  });
});

describe('CORS: only allowed origins, with credentials', () => {
  it('answers a preflight from an allowed origin with its origin and credentials allowed', async () => {
    const response = await fetch(`${apiUrl}/registrations`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('gives a disallowed origin no CORS headers, so the browser withholds the response', async () => {
    const preflight = await fetch(`${apiUrl}/registrations`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const read = await call('GET', '/check_session', { headers: { origin: EVIL } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('labels responses to an allowed origin, never with a wildcard', async () => {
    const response = await call('GET', '/check_session', { headers: { origin: ALLOWED } });
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('vary')).toMatch(/origin/i);
  });
});
