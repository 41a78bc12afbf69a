import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { call, callFrom, sessionToken, signUp, uniqueUsername } from './http-client.ts';

const logLines = () =>
  readFileSync(inject('logFile'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the audit log', () => {
  const username = uniqueUsername('audited');
  const password = 'a very particular password 7f3a';

  it('has one JSON line per auth event, with user, client IP and request id', async () => {
    await call('POST', '/signup', { json: { username, password } });
    await call('POST', '/login', { json: { username, password: 'wrong password here' } });
    const login = await call('POST', '/login', { json: { username, password } });
    await call('POST', '/logout', { token: sessionToken(login) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const events = logLines().filter((line) => line.username === username || line.event === 'logout');
    for (const name of ['signup', 'loginFailed', 'loginSucceeded']) {
      const line = events.find((e) => e.event === name);
      expect(line, name).toMatchObject({
        clientIp: '127.0.0.1',
        requestId: expect.any(String),
        level: 'INFO',
      });
    }
    expect(events.find((e) => e.event === 'loginSucceeded')?.userId).toEqual(expect.any(String));
    expect(events.some((e) => e.event === 'logout')).toBe(true);
  });

  it('records lockouts, password changes and sessions revoked everywhere', async () => {
    const { username, token } = await signUp(uniqueUsername('audited'), password);
    await call('POST', '/password', {
      token,
      json: { currentPassword: password, newPassword: 'another very particular one' },
    });
    await call('DELETE', '/sessions', { token });
    const ip = '127.0.8.8';
    for (let i = 0; i < 5; i++)
      await callFrom(ip, 'POST', '/login', { json: { username, password: 'wrong guess' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = logLines();
    const userId = lines.find((l) => l.event === 'signup' && l.username === username)?.userId;
    expect(lines.find((l) => l.event === 'passwordChanged' && l.userId === userId)).toMatchObject({
      sessionsEnded: 0,
    });
    expect(lines.find((l) => l.event === 'sessionsRevoked' && l.userId === userId)).toMatchObject({
      sessionsEnded: 1,
    });
    expect(lines.find((l) => l.event === 'lockout' && l.username === username)).toMatchObject({
      clientIp: ip,
    });
    expect(JSON.stringify(lines)).not.toContain('another very particular one');
  });

  it('takes the client address from the connection, never from X-Forwarded-For or Forwarded', async () => {
    // An account's name: an unknown one would be logged under its keyed hash.
    const { username } = await signUp(uniqueUsername('spoofer'));
    await callFrom('127.0.0.44', 'POST', '/login', {
      json: { username, password: 'wrong guess here' },
      headers: { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9' },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const line = logLines().find((l) => l.event === 'loginFailed' && l.username === username);
    expect(line).toMatchObject({ clientIp: '127.0.0.44' });
    expect(JSON.stringify(line)).not.toContain('203.0.113.9');
  });

  it('never holds a password, a hash, a token or a cookie', async () => {
    const signup = await call('POST', '/signup', { json: { username: uniqueUsername(), password } });
    const token = sessionToken(signup) as string;
    await call('GET', '/home', { token });
    await call('GET', '/home', { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const log = readFileSync(inject('logFile'), 'utf8');
    expect(log).toContain('"event":"signup"');
    expect(log).not.toContain(password);
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
    expect(log).not.toMatch(/\$pistus1\$|\$2[aby]\$/);
    expect(log).not.toContain('__Host-session=');
  });
});
