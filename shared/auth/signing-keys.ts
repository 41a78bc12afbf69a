import * as z from 'zod/mini';

/**
 * The signing-key document, the same shape in Secrets Manager and in the local SIGNING_KEYS setting:
 * `{"kid": "...", "secret": "...", "previous": [{"kid": "...", "secret": "..."}]}`.
 * The top-level key signs; `previous` keys still verify, so a rotation does not log everyone out.
 */
const signingKey = z.object({
  kid: z
    .string()
    .check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'kid must be 1-64 characters of A-Z a-z 0-9 . _ -')),
  // RFC 7518 §3.2: an HS256 key must be at least 256 bits.
  secret: z.string().check(z.minLength(32, 'secret must be at least 32 characters (256 bits)')),
});
const signingKeyDocument = z.extend(signingKey, { previous: z._default(z.array(signingKey), []) });

export type SigningKey = z.infer<typeof signingKey>;
export interface SigningKeys {
  current: SigningKey;
  previous: SigningKey[];
}

export function parseSigningKeys(json: string): SigningKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('signing keys: not valid JSON');
  }
  const parsed = signingKeyDocument.safeParse(raw);
  if (!parsed.success) {
    // Never echo the document: it is the secret.
    throw new Error(`signing keys: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  const { previous, ...current } = parsed.data;
  const kids = new Set([current.kid, ...previous.map((key) => key.kid)]);
  if (kids.size !== previous.length + 1) throw new Error('signing keys: every kid must be distinct');
  return { current, previous };
}
