import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '#shared/auth/secret-box';

const key = () => randomBytes(32).toString('base64url');

describe('the secret box that seals TOTP secrets (AES-256-GCM)', () => {
  it('opens what it sealed, and seals the same value differently each time (a fresh IV)', () => {
    const box = createSecretBox(key());
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a value altered in any part, or sealed under another key', () => {
    const box = createSecretBox(key());
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    const parts = sealed.split('.');
    for (const index of [1, 2, 3]) {
      const altered = [...parts];
      const part = Buffer.from(altered[index] ?? '', 'base64url');
      part[0] = (part[0] ?? 0) ^ 1;
      altered[index] = part.toString('base64url');
      expect(() => box.open(altered.join('.'))).toThrow();
    }
    expect(() => createSecretBox(key()).open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow('not a sealed value');
  });

  it('takes a 32-byte key only', () => {
    expect(() => createSecretBox(randomBytes(16).toString('base64url'))).toThrow('32 bytes');
  });
});
