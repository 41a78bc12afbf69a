import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets the server must read back (a TOTP secret is needed in the clear to check a
 * code, so it cannot be hashed): a fresh 96-bit IV per value, the tag checked on open. Stored as
 * `v1.<iv>.<ciphertext>.<tag>`, base64url, so a key change can be recognised later.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** The plaintext; throws if the value was altered or sealed under another key. */
  open(sealed: string): string;
}

export function createSecretBox(key: string): SecretBox {
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 32) throw new Error('the MFA key must be 32 bytes, base64url');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', raw, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', raw, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
