import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from './emulator.ts';
import { call, errorCode, PASSWORD, sessionToken, signUp } from './http-client.ts';

const sid = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sid as string;
const login = async (username: string, password = PASSWORD) =>
  sessionToken(await call('POST', '/login', { json: { username, password } })) as string;
const setLastSeen = (token: string, secondsAgo: number) =>
  db.send(
    new UpdateCommand({
      TableName: tableName('sessions'),
      Key: { sid: sid(token) },
      UpdateExpression: 'SET lastSeenAt = :at',
      ExpressionAttributeValues: { ':at': Math.floor(Date.now() / 1000) - secondsAgo },
    }),
  );
const lastSeen = async (token: string) =>
  (await db.send(new GetCommand({ TableName: tableName('sessions'), Key: { sid: sid(token) } }))).Item
    ?.lastSeenAt as number;

describe('idle timeout (30 minutes by default), enforced on the server', () => {
  it('ends a session unused for 30 minutes', async () => {
    const { token } = await signUp();
    await setLastSeen(token, 30 * 60);
    expect((await call('GET', '/home', { token })).status).toBe(401);
    expect((await call('GET', '/check_session', { token })).status).toBe(204);
  });

  it('keeps a session in use: a request records the activity (at most once a minute)', async () => {
    const { token } = await signUp();
    await setLastSeen(token, 29 * 60);
    expect((await call('GET', '/home', { token })).status).toBe(200);
    expect(Math.floor(Date.now() / 1000) - (await lastSeen(token))).toBeLessThan(5);
    expect((await call('GET', '/home', { token })).status).toBe(200);
  });
});

describe('POST /password', () => {
  it('changes the password and ends every other session, keeping this one', async () => {
    const { username, token } = await signUp();
    const elsewhere = await login(username);
    const response = await call('POST', '/password', {
      token,
      json: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase 42' },
    });
    expect(response.status).toBe(204);
    expect((await call('GET', '/home', { token })).status).toBe(200);
    expect((await call('GET', '/home', { token: elsewhere })).status).toBe(401);
    expect((await call('POST', '/login', { json: { username, password: PASSWORD } })).status).toBe(401);
    expect(
      (await call('POST', '/login', { json: { username, password: 'a brand new passphrase 42' } })).status,
    ).toBe(200);
  });

  it('refuses a wrong current password with 400 naming currentPassword, and changes nothing', async () => {
    const { username, token } = await signUp();
    const response = await call('POST', '/password', {
      token,
      json: { currentPassword: 'wrong!', newPassword: 'another good passphrase' },
    });
    expect(response.status).toBe(400);
    expect((response.json as { error: { fields: object } }).error.fields).toEqual({
      currentPassword: 'is incorrect',
    });
    expect((await call('POST', '/login', { json: { username, password: PASSWORD } })).status).toBe(200);
  });

  it.each([
    ['too short', 'short', 'must be at least 8 characters'],
    ['common', 'iloveyou', 'is one of the 10,000 most common passwords; choose another'],
  ])('refuses a %s new password with 400 naming newPassword', async (_, newPassword, reason) => {
    const { token } = await signUp();
    const response = await call('POST', '/password', {
      token,
      json: { currentPassword: PASSWORD, newPassword },
    });
    expect(response.status).toBe(400);
    expect((response.json as { error: { fields: object } }).error.fields).toEqual({ newPassword: reason });
  });

  it('refuses a new password that contains the username', async () => {
    const { username, token } = await signUp();
    const response = await call('POST', '/password', {
      token,
      json: { currentPassword: PASSWORD, newPassword: `my ${username} pass` },
    });
    expect((response.json as { error: { fields: object } }).error.fields).toEqual({
      newPassword: 'must not contain the username',
    });
  });

  it('needs a session', async () => {
    const response = await call('POST', '/password', {
      json: { currentPassword: PASSWORD, newPassword: 'whatever it is 123' },
    });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('unauthorized');
  });
});

describe('DELETE /sessions', () => {
  it('logs out everywhere: every session of the user ends, and the cookie expires', async () => {
    const { username, token } = await signUp();
    const others = [await login(username), await login(username)];
    const stranger = await signUp();
    const response = await call('DELETE', '/sessions', { token });
    expect(response.status).toBe(204);
    expect(response.setCookies[0]).toMatch(/^__Host-session=; Max-Age=0;/);
    for (const t of [token, ...others]) expect((await call('GET', '/home', { token: t })).status).toBe(401);
    expect((await call('GET', '/home', { token: stranger.token })).status).toBe(200);
  });

  it('needs a session', async () => {
    expect((await call('DELETE', '/sessions')).status).toBe(401);
  });
});

describe('POST /password under the brute-force policy', () => {
  it('counts wrong current passwords like failed logins: a stolen session cannot guess the password', async () => {
    const { token } = await signUp();
    for (let i = 0; i < 5; i++) {
      const wrong = await call('POST', '/password', {
        token,
        json: { currentPassword: `guess ${i}`, newPassword: 'new passphrase here' },
      });
      expect(wrong.status).toBe(400);
    }
    const locked = await call('POST', '/password', {
      token,
      json: { currentPassword: PASSWORD, newPassword: 'new passphrase here' },
    });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
