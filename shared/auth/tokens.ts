import { decodeProtectedHeader, errors, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '#shared/platform/clock';
import { epochSeconds } from '#shared/platform/clock';
import type { SigningKeys } from '#shared/auth/signing-keys';

export interface SessionClaims {
  /** The user id. */
  sub: string;
  /** The server-side session id; the token is only valid while that session exists. */
  sid: string;
  /** The user's credential version when it was signed (device tokens): stale once the password changes. */
  ver?: number;
  /** The user's key (session tokens), so the session and its user are read in one round trip. */
  usr?: string;
}

export interface TokenService {
  sign(claims: SessionClaims, expiresAt: Date): Promise<string>;
  /** The claims of a valid token, or null for anything else: never throws on bad input. */
  verify(token: string): Promise<SessionClaims | null>;
}

interface TokenOptions {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  clock: Clock;
  /**
   * Reads the signing keys again (Secrets Manager): when a token names a key this container does not know,
   * the keys may have been rotated since it started. At most once per `reloadIntervalMs`, so forged kids
   * cannot make every request read the secret.
   */
  reload?: () => Promise<SigningKeys>;
  reloadIntervalMs?: number;
}

// Pinned: no other algorithm is ever accepted, whatever the token's header says (RFC 8725 §3.1).
const ALGORITHM = 'HS256';

const importHmacKey = (secret: string) =>
  crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);

/** Imports every key once per container: importing per request costs 1.4x on verify. */
const importKeys = async (keys: SigningKeys) => {
  const verifying = new Map<string, CryptoKey>();
  for (const key of [keys.current, ...keys.previous]) verifying.set(key.kid, await importHmacKey(key.secret));
  return {
    verifying,
    signingKid: keys.current.kid,
    signingKey: verifying.get(keys.current.kid) as CryptoKey,
  };
};

/**
 * Each of a token's three parts in its one spelling (RFC 7515 §2: base64url, no padding, the unused low bits
 * of the last character zero). The decoder forgives `=` and stray bits, which would make one token many
 * strings: a revoked or logged token must not come back in another spelling.
 */
const canonical = (token: string) => {
  const parts = token.split('.');
  return (
    parts.length === 3 &&
    parts.every(
      (part) => /^[\w-]+$/.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part,
    )
  );
};

const headerKid = (token: string) => {
  try {
    return decodeProtectedHeader(token).kid;
  } catch {
    return undefined;
  }
};

/** Imports every key once per container (importing per request costs 1.4x on verify), again after a rotation. */
export async function createTokenService({
  keys,
  issuer,
  audience,
  clock,
  reload,
  reloadIntervalMs = 60_000,
}: TokenOptions): Promise<TokenService> {
  let ring = await importKeys(keys);
  let lastReload = Number.NEGATIVE_INFINITY;
  const keyFor = (header: JWTHeaderParameters) => {
    const key = header.kid === undefined ? undefined : ring.verifying.get(header.kid);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
  /** A key this container has not seen may be a rotation's new one: read the keys again, not too often. */
  const learnKid = async (kid: string | undefined) => {
    if (!reload || typeof kid !== 'string' || ring.verifying.has(kid)) return;
    const now = clock().getTime();
    if (now - lastReload < reloadIntervalMs) return;
    lastReload = now;
    ring = await importKeys(await reload()).catch(() => ring);
  };

  return {
    async sign({ sub, sid, ver, usr }, expiresAt) {
      return new SignJWT({
        sid,
        ...(ver === undefined ? {} : { ver }),
        ...(usr === undefined ? {} : { usr }),
      })
        .setProtectedHeader({ alg: ALGORITHM, kid: ring.signingKid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt(epochSeconds(clock()))
        .setExpirationTime(epochSeconds(expiresAt))
        .sign(ring.signingKey);
    },
    async verify(token) {
      if (!canonical(token)) return null;
      await learnKid(headerKid(token));
      try {
        const { payload } = await jwtVerify(token, keyFor, {
          algorithms: [ALGORITHM],
          issuer,
          audience,
          requiredClaims: ['sub', 'sid', 'iat', 'exp'],
          currentDate: clock(),
          typ: 'JWT',
        });
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
        return {
          sub: payload.sub,
          sid: payload.sid,
          ...(typeof payload.ver === 'number' ? { ver: payload.ver } : {}),
          ...(typeof payload.usr === 'string' ? { usr: payload.usr } : {}),
        };
      } catch {
        return null;
      }
    },
  };
}
