import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LocalSecrets {
  SIGNING_KEYS: string;
  PASSWORD_PEPPER: string;
  MFA_KEY: string;
  MAIL_KEY: string;
  /** The local providers' client secrets, by provider id (a stand-in for Apple's key, in tests). */
  IDENTITY_PROVIDER_SECRETS: string;
  /** The access tokens' signing keys (shared/auth/access-token-keys.ts). */
  ACCESS_TOKEN_KEYS: string;
}

/**
 * The local stand-ins for the two Secrets Manager secrets, made once per checkout and kept (mode 0600) in
 * a git-ignored file, so sessions and password hashes survive a restart when the data is persisted.
 */
export function localSecrets(file: string): LocalSecrets {
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
  // A secret added since the file was made (the MFA key) is added to it; the others are kept as they are.
  const secrets: LocalSecrets = {
    SIGNING_KEYS: JSON.stringify({ kid: 'local-1', secret: randomBytes(32).toString('base64url') }),
    PASSWORD_PEPPER: randomBytes(32).toString('base64url'),
    MFA_KEY: randomBytes(32).toString('base64url'),
    MAIL_KEY: randomBytes(32).toString('base64url'),
    // The test provider is a public client (PKCE alone, as it advertises): no secret of its own.
    IDENTITY_PROVIDER_SECRETS: '{}',
    ACCESS_TOKEN_KEYS: JSON.stringify({ kid: 'local-1', seed: randomBytes(32).toString('base64url') }),
    ...kept,
  };
  if (Object.keys(kept).length === Object.keys(secrets).length) return secrets;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
