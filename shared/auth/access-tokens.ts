import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  type AccessTokenKeyDocument,
  keyPairOf,
  publicJwk,
} from '#shared/auth/access-token-keys';
import type { PublishedKeys } from '#shared/data/published-keys';
import type { SessionRecord } from '#shared/data/sessions';
import type { Clock } from '#shared/platform/clock';
import { epochSeconds } from '#shared/platform/clock';
import { invalid } from '#shared/platform/outcomes';

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
    const mine = [keys, ...(keys.next ? [keys.next] : [])];
    if (mine.some((key) => !publishedHere.has(key.kid))) {
      // The previous key is never published again from here: the rotation command removes it for good.
      await deps.published.add(mine.map(publicJwk));
      for (const key of mine) publishedHere.add(key.kid);
    }
    return { kid: keys.kid, privateKey: keyPairOf(keys.seed).privateKey };
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
export function reloading<T>(read: () => Promise<T>, clock: Clock, seconds: number): () => Promise<T> {
  let held: { value: T; at: number } | undefined;
  return async () => {
    const now = clock().getTime();
    if (held && now - held.at < seconds * 1000) return held.value;
    try {
      held = { value: await read(), at: now };
    } catch (error) {
      if (!held) throw error;
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
