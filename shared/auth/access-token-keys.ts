import { createECDH, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

import * as z from 'zod/mini';

/**
 * The access-token signing keys, the same document in Secrets Manager and in the local ACCESS_TOKEN_KEYS
 * setting: `{"kid","seed","next"?: {"kid","seed","addedAt"}, "previous": [{"kid","seed","retiredAt"}]}`.
 * A key is a random seed (Secrets Manager generates the first), from which its ES256 (P-256) key pair is
 * derived: the stack can make one without ever seeing it, and only the token function reads it.
 *
 * Rotation without outages (`npm run tokens -- rotate`, three steps): a `next` key is published before it
 * signs anything; once every cached key set has it, it becomes the signing key and the old one `previous`,
 * still published; once every token the old one signed has expired, it goes.
 */
const kid = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'kid must be 1-64 characters of A-Z a-z 0-9 . _ -'));
// 256 bits at least, as the key derived from it has.
const seed = z.string().check(z.minLength(32, 'seed must be at least 32 characters'));
const document = z.object({
  kid,
  seed,
  next: z.optional(z.object({ kid, seed, addedAt: z.iso.datetime() })),
  previous: z._default(z.array(z.object({ kid, seed, retiredAt: z.iso.datetime() })), []),
});

export type AccessTokenKeyDocument = z.infer<typeof document>;

/** ES256: what API Gateway's JWT authorizer accepts (RS/ES 256-512), with the shortest keys and tokens. */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';

export function parseAccessTokenKeys(json: string): AccessTokenKeyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('access token keys: not valid JSON');
  }
  const parsed = document.safeParse(raw);
  // Never echo the document: it is the secret.
  if (!parsed.success)
    throw new Error(`access token keys: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  const kids = [parsed.data.kid, parsed.data.next?.kid, ...parsed.data.previous.map((key) => key.kid)].filter(
    (value) => value !== undefined,
  );
  if (new Set(kids).size !== kids.length) throw new Error('access token keys: every kid must be distinct');
  return parsed.data;
}

/**
 * The P-256 key pair of a seed: the private scalar is SHA-256 of the seed (below the curve's order but
 * for a chance of 2^-32, which `setPrivateKey` refuses rather than wraps).
 */
const pairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

export function keyPairOf(seedText: string): { privateKey: KeyObject; publicKey: KeyObject } {
  const held = pairs.get(seedText);
  if (held) return held;
  const d = createHash('sha256').update(`pistus-access-token-key:${seedText}`).digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey();
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: d.toString('base64url'),
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
  };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const pair = { privateKey, publicKey: createPublicKey(privateKey) };
  pairs.set(seedText, pair);
  return pair;
}

/** A public key as the key set publishes it: never `d`. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  use: 'sig';
}

/**
 * The public key of a seed, its `kid` the key's own RFC 7638 thumbprint: a kid can only ever name this key,
 * so two keys can never be confused under one name (the document's `kid` fields are the operator's labels).
 */
const published = new Map<string, PublicJwk>();

export function publicJwk(key: { seed: string }): PublicJwk {
  // Asked for on every token issued: worked out once per key.
  const held = published.get(key.seed);
  if (held) return held;
  const { x, y } = keyPairOf(key.seed).publicKey.export({ format: 'jwk' }) as { x: string; y: string };
  // RFC 7638 §3.2: the required members, in lexicographic order, no whitespace.
  const thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y }))
    .digest('base64url');
  const jwk: PublicJwk = {
    kty: 'EC',
    crv: 'P-256',
    x,
    y,
    kid: thumbprint,
    alg: ACCESS_TOKEN_ALGORITHM,
    use: 'sig',
  };
  published.set(key.seed, jwk);
  return jwk;
}

/** Every key the document holds that must be published: the signing one, the next, the previous. */
export const publishedKeysOf = (keys: AccessTokenKeyDocument): PublicJwk[] =>
  [keys, ...(keys.next ? [keys.next] : []), ...keys.previous].map(publicJwk);
