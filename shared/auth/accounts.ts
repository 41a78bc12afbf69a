import { randomUUID } from 'node:crypto';
import type { Clock } from '#shared/platform/clock';
import type { Role, UserRecord, UsersTable } from '#shared/data/users';
import { USERNAME_PATTERN } from '#shared/auth/username';
import { conflict, invalid } from '#shared/platform/outcomes';
import type { PasswordHasher } from '#shared/auth/passwords';

/** What a client may see of a user: never the hash. */
export interface PublicUser {
  id: string;
  username: string;
  /** So a client shows admin actions to admins only; the server still checks every one. */
  role: Role;
  createdAt: string;
  /** The account's address, null when it has none; only the account itself is ever shown it. */
  email: string | null;
  /** Whether the address was proved by its link: a reset mail goes only to a verified address. */
  emailVerified: boolean;
  /** Whether a login also asks for a second factor (TOTP). */
  mfaEnabled: boolean;
}

export const publicUser = (user: {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  email?: string;
  emailVerified?: boolean;
  totpSecret?: string;
  mfaEnabled?: boolean;
}): PublicUser => ({
  id: user.id,
  username: user.username,
  role: user.role,
  createdAt: user.createdAt,
  email: user.email ?? null,
  emailVerified: !!user.email && user.emailVerified === true,
  mfaEnabled: user.mfaEnabled ?? !!user.totpSecret,
});

export const ADMIN_PASSWORD_MIN_LENGTH = 15;

export const usernameTaken = () => conflict('username_taken', 'That username is already taken.');

export interface Accounts {
  /** Creates an account; a `username_taken` conflict when the name exists in any case. */
  createAccount(account: { username: string; password: string; role: Role }): Promise<UserRecord>;
  /** Creates a `user`: self-service signup never makes anything else. An address given is unverified. */
  signUp(credentials: { username: string; password: string; email?: string }): Promise<UserRecord>;
  /**
   * The user when the password matches (its hash upgraded if it was of an older format or cost); null
   * otherwise, after the same work either way.
   */
  checkCredentials(
    credentials: { username: string; password: string },
    /** The user, when the caller has already read it: not read twice. */
    found?: Promise<UserRecord | undefined>,
  ): Promise<UserRecord | null>;
  /**
   * Replaces the password of a user whose current password was just checked: new credentials, which end
   * every session but `keepSid`'s in the same write. False when a concurrent change got there first.
   */
  setPassword(username: string, newPassword: string, options?: { keepSid?: string }): Promise<boolean>;
  /** The user of that name, if it could be one and exists. */
  findUser(username: string): Promise<UserRecord | undefined>;
  /**
   * Brings a user from another system with the bcrypt hash it had there: stored as signup stores a user,
   * verified as the old system did, and upgraded at the next login. A `username_taken` conflict if the
   * name exists.
   */
  importAccount(account: { username: string; passwordHash: string }): Promise<UserRecord>;
  /**
   * The name an audit line may carry for what was typed as a username: itself when it names an account (the
   * one found for it), else a keyed hash, so a password typed in the wrong field never reaches the logs,
   * even one that fits the username rule ("Hunter2.Summer2024"), but repeats still correlate.
   */
  auditName(typed: string, account: UserRecord | undefined): Promise<string>;
}

export function createAccounts(deps: {
  users: UsersTable;
  /** Loaded on first use: only the functions that hash passwords ever read the pepper. */
  passwords: () => Promise<PasswordHasher>;
  clock: Clock;
}): Accounts {
  const { users, clock } = deps;
  async function createAccount({
    username,
    password,
    role,
    email,
  }: {
    username: string;
    password: string;
    role: Role;
    email?: string;
  }) {
    // NIST SP 800-63B: 15 characters where a password is the only factor; an admin's guards every account.
    if (role === 'admin' && [...password].length < ADMIN_PASSWORD_MIN_LENGTH)
      throw invalid({ password: `must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters for an admin` });
    const passwords = await deps.passwords();
    return store({ username, passwordHash: await passwords.hash(password), role, email });
  }
  /** The one way a user record is made, whoever makes it. */
  async function store(account: { username: string; passwordHash: string; role: Role; email?: string }) {
    const { email, ...rest } = account;
    const user: UserRecord = {
      id: randomUUID(),
      ...rest,
      createdAt: clock().toISOString(),
      ...(email ? { email, emailVerified: false } : {}),
    };
    if (!(await users.createUser(user))) throw usernameTaken();
    return user;
  }
  // A name outside the username rule cannot be an account: look-alikes such as the Kelvin sign (U+212A),
  // which lower-cases to "k", must not reach the case-insensitive key. Same path as an unknown user.
  const findUser = async (username: string) =>
    USERNAME_PATTERN.test(username) ? users.findUserByUsername(username) : undefined;
  async function checkCredentials(
    { username, password }: { username: string; password: string },
    found = findUser(username),
  ) {
    const [passwords, user] = await Promise.all([deps.passwords(), found]);
    // An unknown user costs one bcrypt compare too, so timing does not tell which names exist; so does an
    // account without a password (made by a provider sign-in), which no password opens.
    if (!user?.passwordHash) {
      await passwords.verifyAgainstDummy(password);
      return null;
    }
    const hash = user.passwordHash;
    const matches = await passwords.verify(password, hash);
    // A disabled account gets the same answer as a wrong password, after the same work.
    if (!matches || user.disabled) return null;
    // OWASP Password Storage: upgrade a legacy or cheaper hash while the password is at hand.
    if (passwords.needsRehash(hash)) {
      await users.replacePasswordHash(user.username, hash, await passwords.hash(password));
    }
    return user;
  }
  return {
    createAccount,
    checkCredentials,
    async setPassword(username, newPassword, options = {}) {
      const [passwords, current] = await Promise.all([deps.passwords(), users.findUserByUsername(username)]);
      if (!current) return false;
      const hash = await passwords.hash(newPassword);
      return users.replacePasswordHash(username, current.passwordHash, hash, options);
    },
    signUp: ({ username, password, email }) => createAccount({ username, password, role: 'user', email }),
    importAccount: ({ username, passwordHash }) => store({ username, passwordHash, role: 'user' }),
    findUser,
    async auditName(typed, account) {
      return account ? typed : `hmac:${(await deps.passwords()).fingerprint(typed)}`;
    },
  };
}
