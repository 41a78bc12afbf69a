import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from './emulator.ts';
import { call, errorCode, PASSWORD, sessionToken, uniqueUsername } from './http-client.ts';

const stored = async (username: string) =>
  (
    await db.send(
      new GetCommand({ TableName: tableName('users'), Key: { usernameKey: username.toLowerCase() } }),
    )
  ).Item;

describe('POST /signup', () => {
  it('creates the user: 201 with {id, username, role, createdAt} and a session cookie', async () => {
    const username = uniqueUsername('New');
    const response = await call('POST', '/signup', {
      json: { username, password: PASSWORD, password_confirmation: PASSWORD },
    });
    expect(response.status).toBe(201);
    expect(Object.keys(response.json as object).sort()).toEqual([
      'createdAt',
      'email',
      'emailVerified',
      'id',
      'mfaEnabled',
      'role',
      'username',
    ]);
    expect((response.json as { role: string }).role).toBe('user');
    const user = response.json as { id: string; username: string; createdAt: string };
    expect(user.username).toBe(username);
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
    expect(sessionToken(response)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const me = await call('GET', '/check_session', { token: sessionToken(response) });
    expect(me.json).toEqual(user);
  });

  it('sets the cookie HttpOnly; Secure; SameSite=Lax; Path=/ with Max-Age equal to the session lifetime', async () => {
    const response = await call('POST', '/signup', {
      json: { username: uniqueUsername(), password: PASSWORD },
    });
    const cookie = response.setCookies[0] ?? '';
    const attributes = cookie.split(';').map((part) => part.trim());
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/', `Max-Age=${12 * 3600}`]),
    );
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('stores a versioned, peppered bcrypt hash and never returns it', async () => {
    const username = uniqueUsername();
    const response = await call('POST', '/signup', { json: { username, password: PASSWORD } });
    expect(response.text).not.toContain('$2');
    expect(response.text).not.toContain(PASSWORD);
    const item = await stored(username);
    expect(item?.passwordHash).toMatch(/^\$pistus1\$\$2b\$04\$/);
    expect(item?.role).toBe('user');
  });

  it('refuses a username taken in any letter case with 409 username_taken', async () => {
    const username = uniqueUsername('Case');
    expect((await call('POST', '/signup', { json: { username, password: PASSWORD } })).status).toBe(201);
    const again = await call('POST', '/signup', {
      json: { username: username.toUpperCase(), password: PASSWORD },
    });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('username_taken');
    expect(again.setCookies).toEqual([]);
  });

  it('lets exactly one of many concurrent signups for one name succeed', async () => {
    const username = uniqueUsername('race');
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', '/signup', {
          json: { username: i % 2 ? username : username.toUpperCase(), password: `${PASSWORD} ${i}` },
        }),
      ),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  const invalid: [string, unknown, string][] = [
    ['a missing username', { password: PASSWORD }, 'username'],
    ['a missing password', { username: 'someone' }, 'password'],
    ['an unknown field', { username: 'someone', password: PASSWORD, admin: true }, 'admin'],
    [
      'a confirmation that differs',
      { username: 'someone', password: PASSWORD, password_confirmation: 'x' },
      'password_confirmation',
    ],
    ['a username of 2 characters', { username: 'ab', password: PASSWORD }, 'username'],
    ['a username of 33 characters', { username: 'a'.repeat(33), password: PASSWORD }, 'username'],
    ['a username with a space', { username: 'bad name', password: PASSWORD }, 'username'],
    ['a username with a non-ASCII letter', { username: 'bjørn', password: PASSWORD }, 'username'],
    ['a password of 7 characters', { username: 'someone', password: '1234567' }, 'password'],
    ['a password of 257 characters', { username: 'someone', password: 'p'.repeat(257) }, 'password'],
    ['a number as username', { username: 12345, password: PASSWORD }, 'username'],
    ['an array as body', [1, 2], 'body'],
  ];
  it.each(invalid)('rejects %s with 400 naming the field, and stores nothing', async (_, body, field) => {
    const response = await call('POST', '/signup', { json: body });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('invalid_input');
    const error = (response.json as { error: { message: string; fields: Record<string, string> } }).error;
    expect(Object.keys(error.fields)).toContain(field);
    expect(error.message).toContain(field);
    expect(response.setCookies).toEqual([]);
    const username = (body as { username?: unknown }).username;
    if (typeof username === 'string') expect(await stored(username)).toBeUndefined();
  });

  it('accepts the edges: 3 and 32 character names, 8 and 256 character passwords, counted in characters', async () => {
    const suffix = uniqueUsername('').slice(1, 4);
    for (const [username, password] of [
      [`a${suffix.slice(0, 2)}`, 'p'.repeat(8)],
      [`${'b'.repeat(29)}${suffix}`, 'p'.repeat(256)],
      [uniqueUsername('emoji'), '🔐'.repeat(8)],
    ] as const) {
      const response = await call('POST', '/signup', { json: { username, password } });
      expect(response.status, `${username}: ${response.text}`).toBe(201);
    }
  });
});
