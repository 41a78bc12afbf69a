import type { Accounts } from '#shared/auth/accounts';
import { createAddressClaims } from '#shared/auth/email-verification';
import type { EmailsTable } from '#shared/data/emails';
import type { SessionsTable } from '#shared/data/sessions';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { notFound } from '#shared/platform/outcomes';

/**
 * What an operator does to accounts, with the same rules whoever does it (the CLI today, an admin API
 * later): disabling an account ends every session it has, at once.
 */
export function createAccountAdmin(deps: {
  accounts: Accounts;
  users: UsersTable;
  sessions: SessionsTable;
  emails: EmailsTable;
}) {
  const { accounts, users, sessions } = deps;
  const claims = createAddressClaims(deps);
  return {
    createAccount: accounts.createAccount,
    importAccount: accounts.importAccount,
    /**
     * Refuses the account's logins from now on and ends its sessions: a session counts only while its user
     * is not disabled, so the one write does both; the rows are deleted as clean-up. `not_found` for an
     * unknown name.
     */
    async disable(username: string): Promise<{ user: UserRecord; sessionsEnded: number }> {
      const user = await users.disableUser(username);
      if (!user) throw notFound();
      return { user, sessionsEnded: await sessions.revokeUserSessions(user.id).catch(() => 0) };
    },
    /**
     * Sets an account's address, as the user would (`PUT /email`), but no link is mailed: verified at once
     * when the operator says so (`email_taken` if another account holds it verified), else unverified
     * until the user asks for the link from the account page.
     */
    async setEmail(username: string, email: string, verified: boolean): Promise<UserRecord> {
      const user = await users.findUserByUsername(username);
      if (!user) throw notFound();
      if (verified) await claims.claim(user, email);
      await claims.releaseGivenUp(await users.setEmail(user.username, email, { verified }), email);
      return { ...user, email, emailVerified: verified };
    },
    listUsers: () => users.listUsers(),
    backfillEmailSearch: () => users.backfillEmailSearch(),
    /** The account with this name, or `not_found`. */
    async find(username: string): Promise<UserRecord> {
      const user = await users.findUserByUsername(username);
      if (!user) throw notFound();
      return user;
    },
  };
}

export type AccountAdmin = ReturnType<typeof createAccountAdmin>;
