import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod/mini';
import { ConfigError, type Settings } from '#shared/config';

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

async function readSecret(arn: string): Promise<string> {
  const client = new SecretsManagerClient({});
  const result = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!result.SecretString) throw new Error(`secret ${arn} has no string value`);
  return result.SecretString;
}

/**
 * Where this function's signing keys come from: on AWS Secrets Manager, locally the environment. Checked
 * when the function is composed, so a function given neither setting fails its cold start, naming them;
 * the read itself happens later, once.
 */
export function signingKeysSource(config: Settings): () => Promise<SigningKeys> {
  const { SIGNING_KEYS: value, SIGNING_SECRET_ARN: arn } = config;
  if (!value && !arn)
    throw new ConfigError(
      'Invalid configuration: SIGNING_SECRET_ARN: this function checks sessions: set SIGNING_SECRET_ARN (AWS) or SIGNING_KEYS (local)',
    );
  return async () => parseSigningKeys(value ?? (await readSecret(arn as string)));
}

export function pepperSource(config: Settings): () => Promise<string> {
  const { PASSWORD_PEPPER: value, PEPPER_SECRET_ARN: arn } = config;
  if (!value && !arn)
    throw new ConfigError(
      'Invalid configuration: PEPPER_SECRET_ARN: this function hashes passwords: set PEPPER_SECRET_ARN (AWS) or PASSWORD_PEPPER (local)',
    );
  return async () => {
    const pepper = value ?? (await readSecret(arn as string));
    if (pepper.length < 32) throw new Error('password pepper must be at least 32 characters');
    return pepper;
  };
}

/** Reads once: on AWS from Secrets Manager, locally from the environment. */
export const loadSigningKeys = (config: Settings): Promise<SigningKeys> => signingKeysSource(config)();
export const loadPepper = (config: Settings): Promise<string> => pepperSource(config)();
