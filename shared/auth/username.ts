/** Usernames: 3-32 characters of A-Z a-z 0-9 . _ -, unique without regard to case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,32}$/;
export const USERNAME_RULE = 'must be 3-32 characters of A-Z a-z 0-9 . _ -';

/** Usernames are unique without regard to case; this key is the one place that rule lives. */
export const usernameKey = (username: string): string => username.toLowerCase();
