import { randomBytes } from 'node:crypto';
import { type AccessTokenKeyDocument, publicJwk } from '#shared/auth/access-token-keys';

/** How long a verifier may keep the key set (`Cache-Control: max-age` of `GET /.well-known/jwks.json`). */
export const JWKS_MAX_AGE_SECONDS = 300;
/** How often a token function reads its keys again, so a rotation reaches every running container. */
export const KEY_RELOAD_SECONDS = 300;
/** Clock skew a verifier may allow past `exp`. */
const SKEW_SECONDS = 60;
/**
 * How long past a due reload a container may still sign with keys it read earlier (its secret store not
 * answering): within the margin the removal step leaves, so it never signs with a key already removed.
 */
export const STALE_KEY_SECONDS = SKEW_SECONDS;
/** The longest an access token may live (ACCESS_TOKEN_SECONDS' bound): what a removal waits for. */
export const MAX_TOKEN_SECONDS = 900;

export type RotationStep =
  | { step: 'added'; kid: string; document: AccessTokenKeyDocument }
  | { step: 'promoted'; kid: string; retired: string; document: AccessTokenKeyDocument }
  /** `kids`: the removed keys' key-set ids (their thumbprints), to take out of the key set. */
  | { step: 'removed'; kids: string[]; document: AccessTokenKeyDocument }
  | { step: 'wait'; seconds: number; reason: string };

const seconds = (from: string, to: Date) => (to.getTime() - Date.parse(from)) / 1000;

/**
 * The next step of a rotation, from the document as it is and the time now; each step is one run of
 * `npm run tokens -- rotate`, and a step run too early is refused with how long to wait:
 * 1. `added`: a new key, published (by the command, at once) but not yet signing.
 * 2. `promoted`: once the new key has been published for longer than any verifier caches the key set, it
 *    signs, and the old one is kept, published, as `previous`.
 * 3. `removed`: once every token the old key signed has expired (the token lifetime, plus the time running
 *    functions take to read the keys again, plus clock skew), it goes from the document and the key set.
 */
export function nextRotationStep(
  keys: AccessTokenKeyDocument,
  now: Date,
  tokenLifetimeSeconds: number,
  newKid = `k${now.toISOString().replace(/\D/g, '').slice(0, 14)}`,
): RotationStep {
  if (keys.next) {
    const waited = seconds(keys.next.addedAt, now);
    if (waited < JWKS_MAX_AGE_SECONDS)
      return {
        step: 'wait',
        seconds: Math.ceil(JWKS_MAX_AGE_SECONDS - waited),
        reason: `key ${keys.next.kid} is published, but a verifier may still hold a key set without it`,
      };
    const { next, previous, kid, seed } = keys;
    return {
      step: 'promoted',
      kid: next.kid,
      retired: kid,
      document: {
        kid: next.kid,
        seed: next.seed,
        previous: [...previous, { kid, seed, retiredAt: now.toISOString() }],
      },
    };
  }
  if (keys.previous.length) {
    const hold = tokenLifetimeSeconds + KEY_RELOAD_SECONDS + SKEW_SECONDS;
    const expired = keys.previous.filter((key) => seconds(key.retiredAt, now) >= hold);
    if (!expired.length) {
      const oldest = Math.max(...keys.previous.map((key) => seconds(key.retiredAt, now)));
      return {
        step: 'wait',
        seconds: Math.ceil(hold - oldest),
        reason: 'tokens signed by the previous key may still be valid',
      };
    }
    const gone = new Set(expired.map((key) => key.kid));
    return {
      step: 'removed',
      kids: expired.map((key) => publicJwk(key).kid),
      document: { ...keys, previous: keys.previous.filter((key) => !gone.has(key.kid)) },
    };
  }
  return {
    step: 'added',
    kid: newKid,
    document: {
      ...keys,
      next: { kid: newKid, seed: randomBytes(32).toString('base64url'), addedAt: now.toISOString() },
    },
  };
}
