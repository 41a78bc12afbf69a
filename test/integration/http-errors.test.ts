import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { usernameKey } from '#shared/auth/username';
import { usersTable } from '#shared/data/tables';
import { db, tableName } from './emulator.ts';
import { call, errorCode, uniqueUsername } from './http-client.ts';

/**
 * Whether an account was stored under this username. Asked of the one name a test sent, not counted over
 * the table, which the files running beside this one write to.
 */
const stored = async (username: string) =>
  (
    await db.send(
      new GetCommand({
        TableName: tableName('users'),
        Key: { [usersTable.partitionKey]: usernameKey(username) },
        ConsistentRead: true,
      }),
    )
  ).Item !== undefined;

describe('bad input', () => {
  it('malformed JSON gets 400 malformed_json', async () => {
    const response = await call('POST', '/signup', {
      body: '{"username": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('malformed_json');
  });

  it.each([undefined, 'text/plain', 'application/x-www-form-urlencoded'])(
    'a body sent as %s gets 415',
    async (contentType) => {
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      const response = await call('POST', '/login', { body: '{"username":"a","password":"b"}', headers });
      expect(response.status).toBe(415);
      expect(errorCode(response)).toBe('unsupported_media_type');
    },
  );

  it('accepts application/json with a charset', async () => {
    const response = await call('POST', '/login', {
      body: '{"username":"nobody","password":"b"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(401);
  });

  it('a body over 16 KiB gets 413 and stores nothing', async () => {
    const username = uniqueUsername();
    const response = await call('POST', '/signup', {
      json: {
        username,
        password: 'p'.repeat(20),
        password_confirmation: `${'p'.repeat(20)}${' '.repeat(16 * 1024)}`,
      },
    });
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('payload_too_large');
    expect(await stored(username)).toBe(false);
  });

  it('an unknown route gets a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '/signup/extra'],
      ['PUT', '/login'],
      ['GET', '/index.php'],
    ]) {
      const response = await call(method as string, path as string);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.json).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('rejected requests never store anything', async () => {
    const username = uniqueUsername();
    const valid = JSON.stringify({ username, password: 'correct horse battery staple' });
    const answers = await Promise.all([
      call('POST', '/signup', { json: { username, password: 'short' } }),
      call('POST', '/signup', { body: valid.slice(0, -1), headers: { 'content-type': 'application/json' } }),
      call('POST', '/signup', { body: valid, headers: { 'content-type': 'text/plain' } }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 415]);
    expect(await stored(username)).toBe(false);
  });
});

describe('every response', () => {
  it('carries security headers and Cache-Control: no-store, errors included', async () => {
    for (const response of [
      await call('GET', '/check_session'),
      await call('GET', '/home'),
      await call('GET', '/nope'),
    ]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('never carries a stack trace or an internal error text', async () => {
    const responses = await Promise.all([
      call('POST', '/signup', { body: '{', headers: { 'content-type': 'application/json' } }),
      call('POST', '/login', { json: { username: null, password: {} } }),
      call('GET', '/home', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }),
    ]);
    for (const response of responses) {
      expect(response.status).toBeLessThan(500);
      expect(response.text).not.toMatch(/at \w+ \(|node_modules|Error:|Exception/);
    }
  });
});
