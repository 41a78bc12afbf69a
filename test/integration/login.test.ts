import { describe, expect, it } from 'vitest';
import { call, errorCode, PASSWORD, sessionToken, signUp, uniqueUsername } from './http-client.ts';

const sid = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sid;

describe('POST /login', () => {
  it('returns 200 with the user and a new session cookie', async () => {
    const { username, user } = await signUp();
    const response = await call('POST', '/login', { json: { username, password: PASSWORD } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      id: user.id,
      username,
      role: 'user',
      createdAt: expect.any(String),
      email: null,
      emailVerified: false,
      mfaEnabled: false,
    });
    const me = await call('GET', '/check_session', { token: sessionToken(response) });
    expect(me.status).toBe(200);
  });

  it('issues a fresh session id on every login', async () => {
    const { username, token: signupToken } = await signUp();
    const first = sessionToken(
      await call('POST', '/login', { json: { username, password: PASSWORD } }),
    ) as string;
    const second = sessionToken(
      await call('POST', '/login', { json: { username, password: PASSWORD } }),
    ) as string;
    expect(new Set([sid(signupToken), sid(first), sid(second)]).size).toBe(3);
    // Each is its own session: all stay valid until revoked.
    for (const token of [signupToken, first, second]) {
      expect((await call('GET', '/home', { token })).status).toBe(200);
    }
  });

  it('finds the user whatever the case of the username typed', async () => {
    const { username } = await signUp(uniqueUsername('MiXeD'));
    const response = await call('POST', '/login', {
      json: { username: username.toLowerCase(), password: PASSWORD },
    });
    expect(response.status).toBe(200);
    expect((response.json as { username: string }).username).toBe(username);
  });

  it('answers an unknown user and a wrong password with the very same 401', async () => {
    const { username } = await signUp();
    const wrong = await call('POST', '/login', { json: { username, password: 'not the password' } });
    const unknown = await call('POST', '/login', {
      json: { username: uniqueUsername('ghost'), password: PASSWORD },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toBe(unknown.text);
    expect(errorCode(wrong)).toBe('invalid_credentials');
    expect(wrong.setCookies).toEqual([]);
    expect(unknown.setCookies).toEqual([]);
  });

  it('never truncates: a password sharing the first 72 bytes of the real one does not log in', async () => {
    const password = `${'x'.repeat(72)}-the-real-tail`;
    const { username } = await signUp(uniqueUsername(), password);
    const impostor = await call('POST', '/login', {
      json: { username, password: `${'x'.repeat(72)}-another-tail` },
    });
    expect(impostor.status).toBe(401);
    expect((await call('POST', '/login', { json: { username, password } })).status).toBe(200);
  });

  it('treats Unicode forms alike (NFKC): a password typed with a ligature matches its letters', async () => {
    const { username } = await signUp(uniqueUsername(), 'ﬁne password here');
    expect(
      (await call('POST', '/login', { json: { username, password: 'fine password here' } })).status,
    ).toBe(200);
  });

  it.each([
    ['a missing password', { username: 'someone' }],
    ['an unknown field', { username: 'someone', password: 'x', remember: true }],
    ['a non-string password', { username: 'someone', password: ['x'] }],
  ])('rejects %s with 400', async (_, body) => {
    const response = await call('POST', '/login', { json: body });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('invalid_input');
  });
});
