import { readFileSync } from 'node:fs';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { call, PASSWORD, sessionToken, signUp } from './http-client.ts';

/** The test stack's real signing key, to forge tokens that differ from a valid one in exactly one way. */
const keys = JSON.parse(
  JSON.parse(readFileSync(inject('stateFile').replace('stack.json', 'secrets.json'), 'utf8')).SIGNING_KEYS,
) as { kid: string; secret: string };
const secret = new TextEncoder().encode(keys.secret);
const now = () => Math.floor(Date.now() / 1000);

interface Forgery {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  key?: Uint8Array;
}

async function forge(sub: string, sid: string, { claims = {}, header = {}, key = secret }: Forgery = {}) {
  return new SignJWT({ sid, ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: keys.kid, typ: 'JWT', ...header } as { alg: string })
    .setSubject(sub)
    .setIssuer((claims.iss as string) ?? 'pistus')
    .setAudience((claims.aud as string) ?? 'pistus-api')
    .setIssuedAt(now())
    .setExpirationTime((claims.exp as number) ?? now() + 3600)
    .sign(key);
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

describe('forged and stale tokens get 401 on /home and 204 on /check_session, never a 5xx', async () => {
  const { token, username } = await signUp();
  const { sub, sid } = claimsOf(token);
  const revoked = sessionToken(
    await call('POST', '/login', { json: { username, password: PASSWORD } }),
  ) as string;
  await call('POST', '/logout', { token: revoked });
  const { privateKey: es256 } = await generateKeyPair('ES256');
  const { privateKey: rs256 } = await generateKeyPair('RS256');
  const foreign = (alg: string, key: CryptoKey) =>
    new SignJWT({ sid })
      .setProtectedHeader({ alg, kid: keys.kid })
      .setSubject(sub)
      .setIssuer('pistus')
      .setAudience('pistus-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);

  const cases: [string, () => Promise<string>][] = [
    ['a copy of the valid token (control: accepted)', async () => token],
    [
      'alg none',
      async () =>
        new UnsecuredJWT({ sid, sub, iss: 'pistus', aud: 'pistus-api', exp: now() + 3600 }).encode(),
    ],
    [
      'HS256 signed with another key',
      () => forge(sub, sid, { key: new TextEncoder().encode('x'.repeat(43)) }),
    ],
    ['ES256 presented against the HS key', () => foreign('ES256', es256)],
    ['RS256 presented against the HS key', () => foreign('RS256', rs256)],
    ['expired', () => forge(sub, sid, { claims: { exp: now() - 10 } })],
    ['not yet valid', () => forge(sub, sid, { claims: { nbf: now() + 600 } })],
    ['a wrong iss', () => forge(sub, sid, { claims: { iss: 'someone-else' } })],
    ['a wrong aud', () => forge(sub, sid, { claims: { aud: 'pistus-api#device' } })],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = token.split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(token), sub: 'someone-else' })).toString('base64url')}.${s}`;
      },
    ],
    ['no sid', () => forge(sub, sid, { claims: { sid: undefined } })],
    ['a sid of another user', () => forge('another-user-id', sid)],
    ['a revoked sid', async () => revoked],
    ['a kid that does not exist', () => forge(sub, sid, { header: { kid: 'no-such-kid' } })],
    ['garbage', async () => 'a.b.c'],
  ];

  it.each(cases)('%s', async (name, make) => {
    const forged = await make();
    const home = await call('GET', '/home', { token: forged });
    const check = await call('GET', '/check_session', { headers: { authorization: `Bearer ${forged}` } });
    if (name.includes('control')) {
      expect(home.status).toBe(200);
      return;
    }
    expect(home.status).toBe(401);
    expect(check.status).toBe(204);
  });

  it('a device token is not a session token', async () => {
    const login = await call('POST', '/login', { json: { username, password: PASSWORD } });
    const device =
      login.setCookies
        .find((c) => c.startsWith('__Host-device='))
        ?.split(';')[0]
        ?.split('=')[1] ?? '';
    expect(device.split('.')).toHaveLength(3);
    expect((await call('GET', '/home', { token: device })).status).toBe(401);
  });
});
