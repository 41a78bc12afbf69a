import * as z from 'zod/mini';

/** RFC 5321 §4.5.3.1: a path is at most 256 octets with its brackets, so an address at most 254. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * An addr-spec as people type one (the dot-atom form; no quoted local parts, no comments): at most 254
 * characters, the domain lower-cased (domains are case-insensitive; the local part is the mailbox's own
 * business, so it is kept as typed).
 */
export const emailSchema = z.pipe(
  z
    .string({ error: 'must be a string' })
    .check(
      z.maxLength(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`),
      z.email({ error: 'must be an email address' }),
    ),
  z.transform((address: string) => normalizeEmail(address)),
);

/**
 * Where an account's own mail goes (notices, reset links): its address once verified, else the verified one
 * it had before a change still waiting for its link; none when it never had one.
 */
export const verifiedAddress = (account: {
  email?: string | undefined;
  emailVerified?: boolean | undefined;
  verifiedEmail?: string | undefined;
}): string | undefined => (account.emailVerified && account.email ? account.email : account.verifiedEmail);

/** Mailbox providers treat addresses without regard to case in practice; so does uniqueness. */
export const emailKey = (address: string): string => address.toLowerCase();

export const normalizeEmail = (address: string): string => {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
};
