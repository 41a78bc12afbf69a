/** Usernames: 3-32 characters of A-Z a-z 0-9 . _ -, unique without regard to case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,32}$/;
export const USERNAME_RULE = 'must be 3-32 characters of A-Z a-z 0-9 . _ -';

/** Usernames are unique without regard to case; this key is the one place that rule lives. */
export const usernameKey = (username: string): string => username.toLowerCase();

/**
 * Usernames to try for an account a provider sign-in makes, best first: the hint (a preferred username, a
 * login, a name, an address' local part) cut to the rule, then with random digits after it. The user may
 * change it later; it is never taken as proof of anything.
 */
export function usernameCandidates(
  hint: string | undefined,
  randomDigits: () => string,
  count = 6,
): string[] {
  const cleaned = (hint ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '')
    .replace(/^[._-]+/, '')
    .slice(0, 24);
  const base = cleaned.length >= 3 ? cleaned : `user${cleaned}`;
  return [base, ...Array.from({ length: count - 1 }, () => `${base}-${randomDigits()}`)];
}
