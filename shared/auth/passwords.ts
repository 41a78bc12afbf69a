import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * Stored format, versioned by prefix so other formats can verify too:
 * - `$pistus1$<bcrypt>`: bcrypt(base64(HMAC-SHA384(pepper, NFKC(password)))), as the OWASP Password Storage
 *   cheat sheet describes for bcrypt's 72-byte limit. The pre-hash is 64 ASCII bytes, so nothing a user types is
 *   ever truncated, and two passwords sharing their first 72 bytes stay different.
 * - `$2a$` / `$2b$` / `$2y$`: plain bcrypt made by another system (pgcrypto crypt(), passlib, Flask-Bcrypt).
 *   It verifies as that system did; `needsRehash` says it should be replaced at the next login.
 */
const CURRENT_PREFIX = '$pistus1$';
const LEGACY_BCRYPT = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** A stored format this module verifies: its own, or plain bcrypt from another system. */
export const isSupportedHash = (stored: string): boolean =>
  LEGACY_BCRYPT.test(stored) ||
  (stored.startsWith(CURRENT_PREFIX) && LEGACY_BCRYPT.test(stored.slice(CURRENT_PREFIX.length)));

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** True when a stored hash is of an older format or a lower cost than the configured one. */
  needsRehash(stored: string): boolean;
  /** Spends the same time as a real verification, for requests about users that do not exist. */
  verifyAgainstDummy(password: string): Promise<false>;
  /** A keyed, one-way stand-in for text that must not be logged (a password typed as a username). */
  fingerprint(text: string): string;
}

export function createPasswordHasher({ pepper, cost }: { pepper: string; cost: number }): PasswordHasher {
  const prehash = (password: string) =>
    createHmac('sha384', pepper).update(password.normalize('NFKC'), 'utf8').digest('base64');

  const hash = async (password: string) => CURRENT_PREFIX + (await bcrypt.hash(prehash(password), cost));

  const verify = async (password: string, stored: string) => {
    if (stored.startsWith(CURRENT_PREFIX)) {
      return bcrypt.compare(prehash(password), stored.slice(CURRENT_PREFIX.length));
    }
    if (LEGACY_BCRYPT.test(stored)) {
      // $2y$ (PHP) and $2b$ are the same algorithm; bcryptjs knows them as $2b$.
      return bcrypt.compare(password, stored.replace(/^\$2y\$/, '$2b$'));
    }
    return false;
  };

  let dummy: Promise<string> | undefined;
  const verifyAgainstDummy = async (password: string): Promise<false> => {
    dummy ??= hash(randomBytes(32).toString('base64'));
    await verify(password, await dummy);
    return false;
  };

  const needsRehash = (stored: string) => {
    if (!stored.startsWith(CURRENT_PREFIX)) return true;
    return bcrypt.getRounds(stored.slice(CURRENT_PREFIX.length)) < cost;
  };

  const fingerprint = (text: string) =>
    createHmac('sha256', pepper).update(`audit:${text}`, 'utf8').digest('base64url').slice(0, 16);

  return { hash, verify, needsRehash, verifyAgainstDummy, fingerprint };
}
