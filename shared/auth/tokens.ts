import { errors, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose';
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
}

// Pinned: no other algorithm is ever accepted, whatever the token's header says (RFC 8725 §3.1).
const ALGORITHM = 'HS256';

const importHmacKey = (secret: string) =>
  crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);

/** Imports every key once per container: importing per request costs 1.4x on verify. */
export async function createTokenService({
  keys,
  issuer,
  audience,
  clock,
}: TokenOptions): Promise<TokenService> {
  const verifying = new Map<string, CryptoKey>();
  for (const key of [keys.current, ...keys.previous]) {
    verifying.set(key.kid, await importHmacKey(key.secret));
  }
  const signingKey = verifying.get(keys.current.kid) as CryptoKey;
  const keyFor = (header: JWTHeaderParameters) => {
    const key = header.kid === undefined ? undefined : verifying.get(header.kid);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };

  return {
    async sign({ sub, sid, ver }, expiresAt) {
      return new SignJWT(ver === undefined ? { sid } : { sid, ver })
        .setProtectedHeader({ alg: ALGORITHM, kid: keys.current.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt(epochSeconds(clock()))
        .setExpirationTime(epochSeconds(expiresAt))
        .sign(signingKey);
    },
    async verify(token) {
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
        };
      } catch {
        return null;
      }
    },
  };
}
