import { describe, expect, it } from 'vitest';
import { expiredSessionCookie, readBearer, readCookie, sessionCookie } from '#shared/http/cookies';

const options = { name: '__Host-session', sameSite: 'Lax' as const };

describe('session cookie', () => {
  it('is HttpOnly, Secure, SameSite, Path=/ without Domain, with Max-Age', () => {
    expect(sessionCookie(options, 'tok', 600)).toBe(
      '__Host-session=tok; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('expires with Max-Age=0 and an empty value', () => {
    expect(expiredSessionCookie(options)).toBe(
      '__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('is read from the cookies array, even among others or folded into one item', () => {
    expect(readCookie(['a=1', '__Host-session=tok'], '__Host-session')).toBe('tok');
    expect(readCookie(['a=1; __Host-session=tok; b=2'], '__Host-session')).toBe('tok');
    expect(readCookie(['x__Host-session=tok'], '__Host-session')).toBeUndefined();
    expect(readCookie(undefined, '__Host-session')).toBeUndefined();
  });
});

describe('bearer token', () => {
  it('is read from Authorization: Bearer, any case, and nothing else', () => {
    expect(readBearer('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(readBearer('bearer abc')).toBe('abc');
    expect(readBearer('Basic abc')).toBeUndefined();
    expect(readBearer('Bearer a b')).toBeUndefined();
    expect(readBearer(undefined)).toBeUndefined();
  });
});
