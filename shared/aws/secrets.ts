import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AccessTokenKeyDocument, parseAccessTokenKeys } from '#shared/auth/access-token-keys';
import { parseSigningKeys, type SigningKeys } from '#shared/auth/signing-keys';
import { ConfigError, type Settings } from '#shared/platform/config';

async function readSecret(arn: string): Promise<string> {
  // Read at cold start and after a rotation: a hung call is abandoned, so the first request answers 503 in time.
  const client = new SecretsManagerClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
  });
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

/** The key that names recipient addresses in the mail counters, for the functions that send mail. */
export function mailKeySource(config: Settings): () => Promise<string> {
  const { MAIL_KEY: value, MAIL_KEY_SECRET_ARN: arn } = config;
  if (!value && !arn)
    throw new ConfigError(
      'Invalid configuration: MAIL_KEY_SECRET_ARN: this function sends mail: set MAIL_KEY_SECRET_ARN (AWS) or MAIL_KEY (local)',
    );
  return async () => value ?? (await readSecret(arn as string));
}

/** The key that encrypts TOTP secrets, for the functions that check second factors. */
export function mfaKeySource(config: Settings): () => Promise<string> {
  const { MFA_KEY: value, MFA_KEY_SECRET_ARN: arn } = config;
  if (!value && !arn)
    throw new ConfigError(
      'Invalid configuration: MFA_KEY_SECRET_ARN: this function checks second factors: set MFA_KEY_SECRET_ARN (AWS) or MFA_KEY (local)',
    );
  return async () => value ?? (await readSecret(arn as string));
}

/**
 * The identity providers' client secrets, by provider id (a string, or Apple's signing key), for the
 * callback alone: the function that exchanges codes.
 */
export function identitySecretsSource(config: Settings): () => Promise<Record<string, unknown>> {
  const { IDENTITY_PROVIDER_SECRETS: value, IDENTITY_SECRETS_ARN: arn } = config;
  if (!value && !arn)
    throw new ConfigError(
      'Invalid configuration: IDENTITY_SECRETS_ARN: this function exchanges codes with identity providers: set IDENTITY_SECRETS_ARN (AWS) or IDENTITY_PROVIDER_SECRETS (local)',
    );
  return async () => {
    const text = value ?? (await readSecret(arn as string));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never the parser's message: it quotes the secret.
      throw new Error('the identity secret is not JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('the identity secret must be a JSON object of client secrets by provider id');
    return parsed as Record<string, unknown>;
  };
}

/** The access tokens' signing keys, for `POST /token` alone; read again at most every `reloadSeconds`. */
export function accessTokenKeysSource(config: Settings): () => Promise<AccessTokenKeyDocument> {
  const { ACCESS_TOKEN_KEYS: value, ACCESS_TOKEN_KEYS_SECRET_ARN: arn } = config;
  if (!value && !arn)
    throw new ConfigError(
      'Invalid configuration: ACCESS_TOKEN_KEYS_SECRET_ARN: this function signs access tokens: set ACCESS_TOKEN_KEYS_SECRET_ARN (AWS) or ACCESS_TOKEN_KEYS (local)',
    );
  return async () => parseAccessTokenKeys(value ?? (await readSecret(arn as string)));
}
