import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import {
  apiUrl,
  call,
  callFrom,
  errorCode,
  PASSWORD,
  sessionToken,
  signUp,
  uniqueUsername,
} from './http-client.ts';
import { operator } from './operator.ts';

/** Security round 2: each finding of the outside probe, as a test that failed before its fix. */
const logLines = () =>
  readFileSync(inject('logFile'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('security round 2', () => {
  it('checks at most 5 of 30 wrong passwords sent at once for one account: the rest are refused', async () => {
    const { username } = await signUp();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        callFrom('127.0.0.62', 'POST', '/login', { json: { username, password: `concurrent guess ${i}` } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(25);
  });

  it('retires device cookies with a password change and with log out everywhere', async () => {
    const { username, token } = await signUp();
    const device = async () => {
      const login = await callFrom('127.0.0.63', 'POST', '/login', {
        json: { username, password: PASSWORD },
      });
      const cookie = login.setCookies.find((c) => c.startsWith('__Host-device='))?.split(';')[0] ?? '';
      return { cookie, session: sessionToken(login) as string };
    };
    const collected = [await device(), await device(), await device(), await device()];
    const newPassword = 'changed right after the leak';
    expect(
      (await call('POST', '/password', { token, json: { currentPassword: PASSWORD, newPassword } })).status,
    ).toBe(204);
    let checked = 0;
    for (const { cookie } of collected)
      for (let i = 0; i < 5; i++) {
        const guess = await callFrom('127.0.0.64', 'POST', '/login', {
          json: { username, password: `guess ${i} with a cookie` },
          headers: { cookie },
        });
        if (guess.status === 401) checked++;
      }
    expect(checked).toBe(5);
  });

  it('retires device cookies with log out everywhere: an old one no longer gets past a lock', async () => {
    const { username } = await signUp();
    const login = await callFrom('127.0.0.65', 'POST', '/login', { json: { username, password: PASSWORD } });
    const cookie = login.setCookies.find((c) => c.startsWith('__Host-device='))?.split(';')[0] ?? '';
    expect((await call('DELETE', '/sessions', { token: sessionToken(login) })).status).toBe(204);
    for (let i = 0; i < 5; i++)
      await callFrom('127.0.0.66', 'POST', '/login', { json: { username, password: 'an attacker guess' } });
    const owner = await callFrom('127.0.0.65', 'POST', '/login', {
      json: { username, password: PASSWORD },
      headers: { cookie },
    });
    expect(owner.status).toBe(429);
  });

  it('ends the session a browser still carries when someone else logs in on it', async () => {
    const first = await signUp();
    const second = await signUp();
    const login = await call('POST', '/login', {
      token: first.token,
      json: { username: second.username, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect((await call('GET', '/check_session', { token: first.token })).status).toBe(204);
    expect((await call('GET', '/check_session', { token: sessionToken(login) })).json).toMatchObject({
      username: second.username,
    });
  });

  it('does not log in a look-alike of a username (the Kelvin sign lower-cases to k)', async () => {
    const username = `k${uniqueUsername('ate')}`;
    await signUp(username);
    const lookAlike = `\u212A${username.slice(1)}`;
    const response = await call('POST', '/login', { json: { username: lookAlike, password: PASSWORD } });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('invalid_credentials');
    expect((await call('POST', '/login', { json: { username, password: PASSWORD } })).status).toBe(200);
  });

  it('names a __proto__ field in the 400 instead of answering with no fields', async () => {
    const response = await call('POST', '/login', {
      body: '{"username":"someone","password":"something","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: { code: 'invalid_input', fields: { ['__proto__']: 'is not an accepted field' } },
    });
    expect((response.json as { error: { message: string } }).error.message).toContain('__proto__');
  });

  it('compares the whole origin: the same host and port over https is not this http API', async () => {
    const { host } = new URL(apiUrl);
    const username = uniqueUsername('origin');
    const otherScheme = await call('POST', '/signup', {
      json: { username, password: PASSWORD },
      headers: { origin: `https://${host}` },
    });
    expect(otherScheme.status).toBe(403);
    expect(errorCode(otherScheme)).toBe('forbidden_origin');
    const same = await call('POST', '/signup', {
      json: { username, password: PASSWORD },
      headers: { origin: `http://${host}` },
    });
    expect(same.status).toBe(201);
  });

  it('logs a failed login under the typed name only when it could be a username, else under a keyed hash', async () => {
    const typed = 'my secret passphrase!';
    await call('POST', '/login', { json: { username: typed, password: 'whatever it is' } });
    await settle();
    const text = readFileSync(inject('logFile'), 'utf8');
    expect(text).not.toContain(typed);
    const failed = logLines().filter((line) => line.event === 'loginFailed');
    expect(failed.some((line) => /^hmac:[\w-]{16}$/.test(String(line.username)))).toBe(true);
  });

  it('logs refused (429) attempts as loginThrottled', async () => {
    const { username } = await signUp();
    const ip = '127.0.0.61';
    for (let i = 0; i < 5; i++)
      await callFrom(ip, 'POST', '/login', { json: { username, password: 'not the password' } });
    const refused = await callFrom(ip, 'POST', '/login', { json: { username, password: PASSWORD } });
    expect(refused.status).toBe(429);
    await settle();
    expect(logLines().some((line) => line.event === 'loginThrottled' && line.username === username)).toBe(
      true,
    );
  });

  it('tells the client who is an admin: check_session, login and signup carry the role', async () => {
    const { username, token } = await signUp();
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({ username, role: 'user' });
  });

  it('refuses an admin password under 15 characters, and the CLI says so', async () => {
    const result = operator(
      'account',
      ['create', '--username', uniqueUsername('admin'), '--role', 'admin'],
      'Password1!xy\n',
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('at least 15 characters for an admin');
  });
});
