import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  type AccessTokenKeyDocument,
  keyPairOf,
  type PublicJwk,
  publicJwk,
} from '#shared/auth/access-token-keys';
import type { PublishedKeys } from '#shared/data/published-keys';
import type { SessionRecord } from '#shared/data/sessions';
import type { Clock } from '#shared/platform/clock';
import { epochSeconds } from '#shared/platform/clock';
import { invalid } from '#shared/platform/outcomes';
import { logger } from '#shared/platform/logger';

export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * Access tokens for the stage's other services (RFC 9068's shape): a short-lived JWT signed ES256 with the
 * current key, which any service verifies offline against the published key set, API Gateway's JWT
 * authorizer included. It is not a session: a logout does not reach it, so it lives at most
 * `lifetimeSeconds` (15 minutes at most); a service that must know at once asks `GET /check_session`.
 */
export function createAccessTokens(deps: {
  /** The key document, read again every few minutes (shared/auth/access-token-rotation.ts). */
  keys: () => Promise<AccessTokenKeyDocument>;
  published: Pick<PublishedKeys, 'add'>;
  clock: Clock;
  audiences: readonly string[];
  lifetimeSeconds: number;
}) {
  // The kids this container has made sure are published: a key is in the key set before it signs.
  const publishedHere = new Set<string>();
  async function signingKey() {
    const keys = await deps.keys();
    const mine = [keys, ...(keys.next ? [keys.next] : [])].map(publicJwk);
    if (mine.some((key) => !publishedHere.has(key.kid))) {
      // The previous key is never published again from here: the rotation command removes it for good.
      await deps.published.add(mine);
      for (const key of mine) publishedHere.add(key.kid);
    }
    return { kid: (mine[0] as PublicJwk).kid, privateKey: keyPairOf(keys.seed).privateKey };
  }
  return {
    /** A token for `audience`, issued by `issuer` (the stage's API address). */
    async issue(session: SessionRecord, audience: string, issuer: string): Promise<AccessToken> {
      if (!deps.audiences.includes(audience))
        throw invalid(
          { audience: 'is not one of the audiences this stage issues tokens for' },
          'invalid_audience',
        );
      const { kid, privateKey } = await signingKey();
      const now = epochSeconds(deps.clock());
      const token = await new SignJWT({ role: session.role })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setSubject(session.userId)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + deps.lifetimeSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
      return { access_token: token, token_type: 'Bearer', expires_in: deps.lifetimeSeconds };
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;

/**
 * A key source read again once `seconds` have passed since the last read, so a rotation reaches every
 * running container within that time; a failed read keeps the keys it had (a rotation is never urgent).
 */
export function reloading<T>(
  read: () => Promise<T>,
  clock: Clock,
  seconds: number,
  /** How much longer than `seconds` keys read earlier may still be used when a read fails. */
  staleSeconds: number,
): () => Promise<T> {
  let held: { value: T; at: number } | undefined;
  let retryAt = 0;
  return async () => {
    const now = clock().getTime();
    if (held && (now - held.at < seconds * 1000 || now < retryAt)) {
      // A rotation waits for running containers to have read the keys again (its removal step): past that,
      // keys this old may have left the key set, and signing with them would make tokens nobody accepts.
      if (now - held.at > (seconds + staleSeconds) * 1000)
        throw Object.assign(new Error('signing keys too old to use'), { name: 'ServiceUnavailable' });
      return held.value;
    }
    try {
      held = { value: await read(), at: now };
    } catch (error) {
      logger.warn('signing keys not read again; the ones held are used', {
        error: error instanceof Error ? error.name : 'Error',
      });
      // Not again on every request: a slow secret store would slow each one.
      retryAt = now + 30_000;
      if (!held || now - held.at > (seconds + staleSeconds) * 1000) throw error;
    }
    return held.value;
  };
}

/**
 * The discovery document: the fields of OpenID Connect Discovery 1.0 §3 a token verifier reads (the issuer,
 * where its keys are, what signs). Pistus is not an OpenID provider to other sites (no authorization
 * endpoint): sessions sign users in, and these tokens carry them to the stage's own services.
 */
export const discoveryDocument = (issuer: string) => ({
  issuer,
  jwks_uri: `${issuer}/.well-known/jwks.json`,
  id_token_signing_alg_values_supported: [ACCESS_TOKEN_ALGORITHM],
  subject_types_supported: ['public'],
  claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti', 'role'],
});
