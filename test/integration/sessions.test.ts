import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db, tableName } from './emulator.ts';
import { call, PASSWORD, sessionToken, signUp } from './http-client.ts';

const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

describe('GET /check_session', () => {
  it('returns 200 with the user for a valid session', async () => {
    const { token, user } = await signUp();
    const response = await call('GET', '/check_session', { token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(user);
  });

  it('returns 204 with an empty body without a session', async () => {
    const response = await call('GET', '/check_session');
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
  });

  it('returns 204 for a token that is not one of ours', async () => {
    for (const token of ['garbage', 'a.b.c', '']) {
      expect((await call('GET', '/check_session', { token })).status).toBe(204);
    }
  });

  it('accepts the token as Authorization: Bearer from clients that are not browsers', async () => {
    const { token, user } = await signUp();
    const response = await call('GET', '/check_session', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(user);
  });
});

describe('GET|POST /home', () => {
  it.each(['GET', 'POST'])('%s greets a signed-in user by name', async (method) => {
    const { token, username } = await signUp();
    const response = await call(method, '/home', { token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ message: `Hello, ${username}` });
  });

  it.each(['GET', 'POST'])('%s returns 401 without a valid session', async (method) => {
    const response = await call(method, '/home');
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('works with a bearer token too', async () => {
    const { token } = await signUp();
    expect((await call('GET', '/home', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

describe('POST|DELETE /logout', () => {
  it.each(['POST', 'DELETE'])(
    '%s answers 204, expires the cookie and revokes the session on the server',
    async (method) => {
      const { token } = await signUp();
      const response = await call(method, '/logout', { token });
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(response.setCookies[0]).toMatch(
        /^__Host-session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      const stored = await db.send(
        new GetCommand({ TableName: tableName('sessions'), Key: { sid: claims(token).sid } }),
      );
      expect(stored.Item).toBeUndefined();
    },
  );

  it('replaying a cookie after logout gets 401 on /home and 204 on /check_session', async () => {
    const { token } = await signUp();
    await call('POST', '/logout', { token });
    expect((await call('GET', '/home', { token })).status).toBe(401);
    expect((await call('GET', '/check_session', { token })).status).toBe(204);
    expect((await call('GET', '/home', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('ends only the session it was sent with', async () => {
    const { username, token } = await signUp();
    const other = sessionToken(
      await call('POST', '/login', { json: { username, password: PASSWORD } }),
    ) as string;
    await call('DELETE', '/logout', { token });
    expect((await call('GET', '/home', { token: other })).status).toBe(200);
  });

  it('answers 204 when there is no session, or a bad one', async () => {
    expect((await call('POST', '/logout')).status).toBe(204);
    expect((await call('DELETE', '/logout', { token: 'not-a-token' })).status).toBe(204);
  });
});

describe('server-side session records', () => {
  it('keeps one record per sid with a TTL attribute at the session lifetime', async () => {
    const { token } = await signUp();
    const { sid, exp, iat } = claims(token);
    const stored = await db.send(new GetCommand({ TableName: tableName('sessions'), Key: { sid } }));
    expect(stored.Item?.expiresAt).toBe(exp);
    expect(exp - iat).toBe(12 * 3600);
  });

  it('rejects a session past its expiry even while TTL has not removed it yet', async () => {
    const { token } = await signUp();
    await db.send(
      new UpdateCommand({
        TableName: tableName('sessions'),
        Key: { sid: claims(token).sid },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    expect((await call('GET', '/home', { token })).status).toBe(401);
    expect((await call('GET', '/check_session', { token })).status).toBe(204);
  });

  it('signs tokens with HS256, a kid, and iss, aud, sub, sid, usr (the user key), iat, exp', async () => {
    const { token, user } = await signUp();
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', kid: 'local-1', typ: 'JWT' });
    expect(claims(token)).toEqual({
      iss: 'pistus',
      aud: 'pistus-api',
      sub: user.id,
      sid: expect.any(String),
      usr: user.username.toLowerCase(),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
  });
});
