import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { Clock } from '#shared/platform/clock';
import { createTokenService } from '#shared/auth/tokens';

const current = { kid: 'k2', secret: 'current-secret-of-at-least-32-characters' };
const previous = { kid: 'k1', secret: 'previous-secret-of-at-least-32-characters' };
const now = new Date('2026-06-01T12:00:00Z');
const clock: Clock = () => now;
const options = { issuer: 'pistus', audience: 'pistus-api', clock };
const service = () => createTokenService({ keys: { current, previous: [previous] }, ...options });
const inAnHour = new Date(now.getTime() + 3600_000);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A token built by hand, to forge every way a token can be wrong. */
async function forge(overrides: { key?: string; kid?: string; claims?: Record<string, unknown> } = {}) {
  const claims = { sid: 's1', ...overrides.claims };
  const jwt = new SignJWT(claims).setProtectedHeader({
    alg: 'HS256',
    kid: overrides.kid ?? current.kid,
    typ: 'JWT',
  });
  if (!('sub' in claims)) jwt.setSubject('u1');
  if (!('iss' in claims)) jwt.setIssuer('pistus');
  if (!('aud' in claims)) jwt.setAudience('pistus-api');
  if (!('iat' in claims)) jwt.setIssuedAt(seconds(now));
  if (!('exp' in claims)) jwt.setExpirationTime(seconds(inAnHour));
  return jwt.sign(new TextEncoder().encode(overrides.key ?? current.secret));
}

describe('session tokens', () => {
  it('verify what they sign, with the current kid in the header', async () => {
    const tokens = await service();
    const token = await tokens.sign({ sub: 'u1', sid: 's1' }, inAnHour);
    expect(await tokens.verify(token)).toEqual({ sub: 'u1', sid: 's1' });
    expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid).toBe('k2');
  });

  it('a hand-built token with the right key and claims verifies (the forgeries below differ in one thing)', async () => {
    expect(await (await service()).verify(await forge())).toEqual({ sub: 'u1', sid: 's1' });
  });

  it('still accept a token signed with the previous key, so a rotation logs nobody out', async () => {
    const token = await forge({ key: previous.secret, kid: previous.kid });
    expect(await (await service()).verify(token)).toEqual({ sub: 'u1', sid: 's1' });
  });

  it('reject a previous key once it is retired', async () => {
    const token = await forge({ key: previous.secret, kid: previous.kid });
    const retired = await createTokenService({ keys: { current, previous: [] }, ...options });
    expect(await retired.verify(token)).toBeNull();
  });

  const forgeries: [string, () => Promise<string>][] = [
    [
      'alg none',
      async () => new UnsecuredJWT({ sid: 's1', sub: 'u1', iss: 'pistus', aud: 'pistus-api' }).encode(),
    ],
    ['HS256 signed with another key', () => forge({ key: 'another-secret-of-at-least-32-characters' })],
    ['a kid that does not exist', () => forge({ kid: 'k9' })],
    [
      'no kid',
      async () =>
        (await forge()).replace(/^[^.]+/, Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')),
    ],
    ['expired', () => forge({ claims: { exp: seconds(now) - 1 } })],
    ['not yet valid', () => forge({ claims: { nbf: seconds(now) + 60 } })],
    ['a wrong iss', () => forge({ claims: { iss: 'someone-else' } })],
    ['a wrong aud', () => forge({ claims: { aud: 'another-api' } })],
    ['no sid', async () => forge({ claims: { sid: undefined } })],
    ['a sid that is not a string', () => forge({ claims: { sid: 42 } })],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await forge()).split('.');
        const payload = Buffer.from(
          JSON.stringify({ sid: 's1', sub: 'admin', iss: 'pistus', aud: 'pistus-api', iat: 1, exp: 9e9 }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'an ES256 token',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return new SignJWT({ sid: 's1' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
          .setSubject('u1')
          .setIssuer('pistus')
          .setAudience('pistus-api')
          .setIssuedAt(seconds(now))
          .setExpirationTime(seconds(inAnHour))
          .sign(privateKey);
      },
    ],
    ['garbage', async () => 'not.a.token'],
    // One token, one spelling (RFC 7515 §2: base64url without padding): a decoder that forgives `=`, the
    // other alphabet or the unused low bits of the last character would make each token many.
    ['padding after its signature', async () => `${await forge()}=`],
    ['padding after its payload', async () => (await forge()).replace(/\.([^.]+)\./, '.$1=.')],
    [
      'the base64 alphabet instead of base64url',
      async () => {
        // The same bytes in the other alphabet: a token that has a `-` or `_` to spell otherwise.
        for (let i = 0; ; i++) {
          const token = await forge({ claims: { sid: `s${i}` } });
          if (/[-_]/.test(token)) return token.replaceAll('-', '+').replaceAll('_', '/');
        }
      },
    ],
    [
      'a signature whose last character sets the unused bits',
      async () => {
        const token = await forge();
        const last = BASE64URL.indexOf(token.at(-1) ?? 'A');
        return `${token.slice(0, -1)}${BASE64URL[last | 1]}`;
      },
    ],
    ['an empty string', async () => ''],
  ];
  it.each(forgeries)('reject a token with %s', async (_, make) => {
    expect(await (await service()).verify(await make())).toBeNull();
  });

  it('learns a rotated key when a token names a kid it does not know, reading the keys at most once a minute', async () => {
    let at = now.getTime();
    const movingClock: Clock = () => new Date(at);
    const rotated = { kid: 'k3', secret: 'rotated-secret-of-at-least-32-characters' };
    let reads = 0;
    const stale = await createTokenService({
      keys: { current, previous: [previous] },
      ...options,
      clock: movingClock,
      reload: async () => {
        reads++;
        return { current: rotated, previous: [current, previous] };
      },
    });
    const fresh = await createTokenService({
      keys: { current: rotated, previous: [current] },
      ...options,
      clock: movingClock,
    });
    const before = await stale.sign({ sub: 'u', sid: 's' }, inAnHour);
    const after = await fresh.sign({ sub: 'u', sid: 's' }, inAnHour);

    // A token signed with the new key is accepted by a container that started before the rotation…
    expect(await stale.verify(after)).toEqual({ sub: 'u', sid: 's' });
    expect(reads).toBe(1);
    // …which signs with the new key from then on, and still accepts the old ones.
    const next = await stale.sign({ sub: 'u', sid: 's' }, inAnHour);
    expect(JSON.parse(Buffer.from(next.split('.')[0] ?? '', 'base64url').toString()).kid).toBe('k3');
    expect(await stale.verify(before)).toEqual({ sub: 'u', sid: 's' });

    // Unknown kids (forged) read the secret at most once a minute.
    for (let i = 0; i < 5; i++) expect(await stale.verify(await forge({ kid: `forged-${i}` }))).toBeNull();
    expect(reads).toBe(1);
    at += 61_000;
    expect(await stale.verify(await forge({ kid: 'forged-later' }))).toBeNull();
    expect(reads).toBe(2);
  });
});
