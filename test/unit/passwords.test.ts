import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '#shared/auth/passwords';

const pepper = 'a-test-pepper-of-at-least-32-characters!';
const hasher = createPasswordHasher({ pepper, cost: 4 });

describe('password hashing', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', stored)).toBe(false);
  });

  it('stores a versioned format: $pistus1$ then a bcrypt hash at the configured cost', async () => {
    expect(await hasher.hash('whatever it is')).toMatch(/^\$pistus1\$\$2b\$04\$[./A-Za-z0-9]{53}$/);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('never truncates at 72 bytes: passwords that share their first 72 bytes differ', async () => {
    const prefix = 'é'.repeat(36); // 72 bytes of UTF-8
    const stored = await hasher.hash(`${prefix}one`);
    expect(await hasher.verify(`${prefix}one`, stored)).toBe(true);
    expect(await hasher.verify(`${prefix}two`, stored)).toBe(false);
  });

  it('normalizes to NFKC: composed and decomposed forms are the same password', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait');
    expect(await hasher.verify('cafe\u0301 au lait', stored)).toBe(true);
  });

  it('depends on the pepper: another pepper does not verify', async () => {
    const stored = await hasher.hash('peppered password');
    const other = createPasswordHasher({ pepper: `${pepper}-other`, cost: 4 });
    expect(await other.verify('peppered password', stored)).toBe(false);
  });

  it.each(['$2a$', '$2b$', '$2y$'])(
    'verifies a plain bcrypt hash from another system (%s)',
    async (prefix) => {
      const legacy = (await bcrypt.hash('imported password', 4)).replace(/^\$2[ab]\$/, prefix);
      expect(await hasher.verify('imported password', legacy)).toBe(true);
      expect(await hasher.verify('wrong password', legacy)).toBe(false);
      expect(hasher.needsRehash(legacy)).toBe(true);
    },
  );

  it('asks for a rehash when the cost is below the configured one', async () => {
    const cheap = await createPasswordHasher({ pepper, cost: 4 }).hash('x'.repeat(10));
    expect(createPasswordHasher({ pepper, cost: 5 }).needsRehash(cheap)).toBe(true);
    expect(hasher.needsRehash(cheap)).toBe(false);
  });

  it('rejects a stored value of an unknown format instead of throwing', async () => {
    expect(await hasher.verify('anything', 'plaintext')).toBe(false);
    expect(await hasher.verify('anything', '')).toBe(false);
  });

  it('spends a verification on a dummy hash and answers false', async () => {
    expect(await hasher.verifyAgainstDummy('whatever')).toBe(false);
  });
});
