import { brotliDecompressSync } from 'node:zlib';
import { COMMON_PASSWORDS_BROTLI_BASE64 } from '#shared/auth/common-passwords.data';
import { USERNAME_PATTERN } from '#shared/auth/username';

/**
 * NIST SP 800-63B §3.1.1.2 and ASVS 5.0 V6.2: no composition rules, but a password may not be one that
 * attackers try first, nor contain the account's own name. Both compare case-insensitively, after the same
 * NFKC normalization the hash uses.
 */
let common: Set<string> | undefined;

const normalized = (value: string) => value.normalize('NFKC').toLowerCase();

export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    brotliDecompressSync(Buffer.from(COMMON_PASSWORDS_BROTLI_BASE64, 'base64')).toString('utf8').split('\n'),
  );
  return common.has(normalized(password));
}

export const containsUsername = (password: string, username: string): boolean =>
  normalized(password).includes(normalized(username));

/** Why a password is refused, in words for the person choosing it; undefined when it is acceptable. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (isCommonPassword(password)) return 'is one of the 10,000 most common passwords; choose another';
  // An invalid username has its own error; judging the password against it would only add noise.
  if (USERNAME_PATTERN.test(username) && containsUsername(password, username))
    return 'must not contain the username';
  return undefined;
}
