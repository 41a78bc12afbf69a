import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { httpClient } from '../support/http-client.ts';
import { type LocalStackProcess, startLocalStackProcess } from '../support/local-stack.ts';
import {
  type ApiResponse,
  apiUrl,
  call,
  callFrom,
  errorCode,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  signUp,
  uniqueUsername,
} from './http-client.ts';
import { lastMailTo, linkToken } from './mail.ts';

/** Security round 3: each finding of the outside probe, as a test that failed before its fix. */
const logLines = () =>
  readFileSync(inject('logFile'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
const fields = (response: ApiResponse) =>
  (response.json as { error: { fields?: Record<string, string> } }).error.fields ?? {};

/** A request sent exactly as written: no client-side URL normalization of `//` or bad escapes. */
function raw(method: string, path: string) {
  const { hostname, port } = new URL(apiUrl);
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const req = request({ hostname, port, method, path }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const address = () => `round3.${randomBytes(5).toString('hex')}@example.com`;

/** Follows the newest verification link mailed to the address. */
// Its newest verification link: the address may also hold notices of the change that sent it.
const verify = async (email: string) =>
  call('POST', '/email/verify', {
    json: {
      token: linkToken(await lastMailTo(email, 'Confirm your email address for Pistus'), 'verify-email'),
    },
  });

const MFA_COOKIE = '__Host-mfa';
const mfaCookieOf = (login: ApiResponse) =>
  login.setCookies.find((c) => c.startsWith(`${MFA_COOKIE}=`))?.split(';')[0] ?? '';

/** A user with TOTP on, and the password half of a login: its `__Host-mfa` cookie. */
async function loginOwingSecondFactor() {
  const { username, token } = await signUp();
  const { secret } = (await call('POST', '/mfa/totp', { token })).json as { secret: string };
  await awayFromStepEdge();
  const confirmed = await call('POST', '/mfa/totp/confirm', {
    token,
    json: { code: authenticator(secret).code(-1) },
  });
  const { recoveryCodes } = confirmed.json as { recoveryCodes: string[] };
  const ip = loopbackAddress();
  const login = await callFrom(ip, 'POST', '/login', { json: { username, password: PASSWORD } });
  return { username, ip, cookie: mfaCookieOf(login), recoveryCodes };
}

describe('security round 3', () => {
  it('voids a reset link when the address changes, even when it changes back (X → Y → X)', async () => {
    const email = address();
    const username = uniqueUsername('round3');
    const signup = await call('POST', '/signup', { json: { username, password: PASSWORD, email } });
    const token = sessionToken(signup) as string;
    expect((await verify(email)).status).toBe(204);
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    const reset = linkToken(await lastMailTo(email), 'reset-password');

    expect((await call('PUT', '/email', { token, json: { email: address() } })).status).toBe(202);
    expect((await call('PUT', '/email', { token, json: { email } })).status).toBe(202);
    expect((await verify(email)).status).toBe(204);

    const used = await call('POST', '/password/reset', {
      json: { token: reset, newPassword: 'a password set by an old link' },
    });
    expect(used.status).toBe(400);
    expect(errorCode(used)).toBe('invalid_token');
    expect((await call('POST', '/login', { json: { username, password: PASSWORD } })).status).toBe(200);
  });

  it('takes the __Host-mfa challenge once: after it succeeded, the same cookie opens no second session', async () => {
    const { username, ip, cookie, recoveryCodes } = await loginOwingSecondFactor();
    const [first, second] = recoveryCodes;
    // A wrong code does not use the challenge up: the user may type again.
    const wrong = await callFrom(ip, 'POST', '/login/mfa', {
      json: { code: '000000' },
      headers: { cookie },
    });
    expect(errorCode(wrong)).toBe('invalid_code');
    const done = await callFrom(ip, 'POST', '/login/mfa', {
      json: { recoveryCode: first },
      headers: { cookie },
    });
    expect(done.status).toBe(200);
    expect(sessionToken(done)).toBeDefined();

    const again = await callFrom(ip, 'POST', '/login/mfa', {
      json: { recoveryCode: second },
      headers: { cookie },
    });
    expect(again.status).toBe(401);
    expect(errorCode(again)).toBe('mfa_expired');
    expect(sessionToken(again)).toBeUndefined();
    // The replay spent nothing: the recovery code it carried still finishes a new login.
    const login = await callFrom(ip, 'POST', '/login', { json: { username, password: PASSWORD } });
    const fresh = await callFrom(ip, 'POST', '/login/mfa', {
      json: { recoveryCode: second },
      headers: { cookie: mfaCookieOf(login) },
    });
    expect(fresh.status).toBe(200);
  });

  it('logs an unknown username under a keyed hash even when it fits the username rule', async () => {
    const typed = `Hunter2.Summer${randomBytes(3).toString('hex')}`;
    const response = await call('POST', '/login', { json: { username: typed, password: 'whatever it is' } });
    expect(response.status).toBe(401);
    await settle();
    expect(readFileSync(inject('logFile'), 'utf8')).not.toContain(typed);
    const failed = logLines().filter((line) => line.event === 'loginFailed');
    expect(failed.some((line) => /^hmac:[\w-]{16}$/.test(String(line.username)))).toBe(true);
  });

  it('answers GET // with the JSON 404, not a 500', async () => {
    const response = await raw('GET', '//');
    expect(response.status).toBe(404);
    expect((response.json as { error: { code: string } }).error.code).toBe('not_found');
  });

  it("answers a malformed percent-escape in the path in the contract's error shape", async () => {
    const response = await raw('GET', '/registrations/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
  });

  it('checks the session before the input: an anonymous request with a malformed id, limit or body gets 401', async () => {
    const anonymous = [
      await call('GET', '/registrations?limit=abc'),
      await call('DELETE', `/passkeys/${'a'.repeat(3000)}`),
      await call('POST', '/registrations', { json: { activity: '', email: 'not an address' } }),
      await call('POST', '/registrations', {
        body: '{"activity":',
        headers: { 'content-type': 'application/json' },
      }),
      await call('PUT', '/email', { json: { email: 'nope' } }),
    ];
    expect(anonymous.map((response) => [response.status, errorCode(response)])).toEqual(
      Array(anonymous.length).fill([401, 'unauthorized']),
    );
  });

  it('checks the origin before the session and the input: a cross-origin request gets 403', async () => {
    const { token } = await signUp();
    const origin = { origin: 'http://evil.example' };
    const crossOrigin = [
      await call('DELETE', `/passkeys/${'a'.repeat(3000)}`, { token, headers: origin }),
      await call('DELETE', `/passkeys/${'a'.repeat(3000)}`, { headers: origin }),
      await call('POST', '/registrations', { token, json: { activity: '' }, headers: origin }),
      await call('POST', '/registrations', { json: { activity: '' }, headers: origin }),
    ];
    expect(crossOrigin.map((response) => [response.status, errorCode(response)])).toEqual(
      Array(crossOrigin.length).fill([403, 'forbidden_origin']),
    );
  });

  it('refuses lone UTF-16 surrogates in JSON strings with 400 invalid_input naming the field', async () => {
    const { token } = await signUp();
    const json = { 'content-type': 'application/json' };
    const registration = await call('POST', '/registrations', {
      token,
      body: '{"activity":"chess \\ud800 club","email":"round3@example.com"}',
      headers: json,
    });
    expect(registration.status).toBe(400);
    expect(errorCode(registration)).toBe('invalid_input');
    expect(fields(registration)).toHaveProperty('activity');
    const nested = await call('POST', '/registrations', {
      token,
      body: '{"activity":"chess","email":"round3@example.com","studentName":"Ada \\udc00"}',
      headers: json,
    });
    expect(fields(nested)).toHaveProperty('studentName');
    const signup = await call('POST', '/signup', {
      body: `{"username":"${uniqueUsername()}","password":"correct horse \\ud83d battery"}`,
      headers: json,
    });
    expect(signup.status).toBe(400);
    expect(fields(signup)).toHaveProperty('password');
    // A whole pair is a character like any other.
    const pair = await call('POST', '/registrations', {
      token,
      body: '{"activity":"chess \\ud83d\\ude00","email":"round3@example.com"}',
      headers: json,
    });
    expect(pair.status).toBe(201);
  });

  it('documents the 400 that DELETE /passkeys/{id} answers for a 3,000-character id', async () => {
    const { token } = await signUp();
    const response = await call('DELETE', `/passkeys/${'a'.repeat(3000)}`, { token });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('invalid_input');
  });
});

/** The shipped default of the passkey login options' limit, on a stack of this block's own. */
describe('security round 3: passkey login options, as shipped', () => {
  let stack: LocalStackProcess;
  const dir = mkdtempSync(join(tmpdir(), 'pistus-round3-'));

  beforeAll(async () => {
    stack = await startLocalStackProcess({
      TABLE_PREFIX: `round3-${randomBytes(4).toString('hex')}-`,
      LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
      LOCAL_STATE_FILE: join(dir, 'stack.json'),
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('limits POST /passkeys/login/options per client address: 429 past 100 in 10 minutes', async () => {
    const client = httpClient(stack.urls.api);
    // One request from another address first: the burst below then meets a started container with its
    // verifier loaded (what it tests is the count, not a cold start under 100 requests at once).
    expect((await client.callFrom(loopbackAddress(), 'POST', '/passkeys/login/options')).status).toBe(200);
    const ip = loopbackAddress();
    const first = await Promise.all(
      Array.from({ length: 100 }, () => client.callFrom(ip, 'POST', '/passkeys/login/options')),
    );
    expect(first.map((response) => response.status)).toEqual(Array(100).fill(200));
    const refused = await client.callFrom(ip, 'POST', '/passkeys/login/options');
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('too_many_requests');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await client.callFrom(loopbackAddress(), 'POST', '/passkeys/login/options')).status).toBe(200);
  });

  it('limits GET /auth/{provider}/start per client address: 429 past 100 in 10 minutes, no flow written', async () => {
    const client = httpClient(stack.urls.api);
    const start = (ip: string) => client.callFrom(ip, 'GET', '/auth/test/start?returnTo=/');
    expect((await start(loopbackAddress())).status).toBe(302);
    const ip = loopbackAddress();
    const first = await Promise.all(Array.from({ length: 100 }, () => start(ip)));
    expect(first.map((response) => response.status)).toEqual(Array(100).fill(302));
    const refused = await start(ip);
    expect(refused.status).toBe(429);
    expect(errorCode(refused)).toBe('too_many_requests');
    expect(refused.setCookies).toEqual([]);
    expect((await start(loopbackAddress())).status).toBe(302);
  });
});
