import { randomUUID } from 'node:crypto';
import type { Clock } from '#shared/clock';
import type { UserRecord, UsersTable } from '#shared/data/users';
import type { PasswordHasher } from '#shared/passwords';

/** What a client may see of a user: never the hash. */
export interface PublicUser {
  id: string;
  username: string;
  createdAt: string;
}

export const publicUser = ({ id, username, createdAt }: PublicUser): PublicUser => ({
  id,
  username,
  createdAt,
});

export interface Accounts {
  /** Creates a `user`; throws UsernameTakenError when the name exists in any case. */
  signUp(credentials: { username: string; password: string }): Promise<UserRecord>;
  /** The user when the password matches; null otherwise, after the same work either way. */
  checkCredentials(credentials: { username: string; password: string }): Promise<UserRecord | null>;
}

export function createAccounts(deps: {
  users: UsersTable;
  /** Loaded on first use: only the functions that hash passwords ever read the pepper. */
  passwords: () => Promise<PasswordHasher>;
  clock: Clock;
}): Accounts {
  const { users, clock } = deps;
  return {
    async signUp({ username, password }) {
      const passwords = await deps.passwords();
      const user: UserRecord = {
        id: randomUUID(),
        username,
        passwordHash: await passwords.hash(password),
        role: 'user',
        createdAt: clock().toISOString(),
      };
      await users.createUser(user);
      return user;
    },
    async checkCredentials({ username, password }) {
      const [passwords, user] = await Promise.all([deps.passwords(), users.findUserByUsername(username)]);
      // An unknown user costs one bcrypt compare too, so timing does not tell which names exist.
      if (!user) {
        await passwords.verifyAgainstDummy(password);
        return null;
      }
      return (await passwords.verify(password, user.passwordHash)) ? user : null;
    },
  };
}
