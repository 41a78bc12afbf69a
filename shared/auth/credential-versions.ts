import type { Sessions } from '#shared/auth/sessions';
import type { UsersTable } from '#shared/data/users';

/**
 * A user's credential version: bumped whenever what once proved who they are must stop counting. Sessions
 * and device tokens carry the version they began under, and an older one counts as none: one write to the
 * user ends them all at once, whatever happens after it.
 */
export function createCredentialVersions(deps: { users: UsersTable; sessions: Pick<Sessions, 'endAllOf'> }) {
  return {
    /**
     * "Log out everywhere": every session and every device token issued so far ends in one write; the
     * session rows are then deleted as clean-up (one left behind no longer counts). Returns how many.
     */
    async endEverywhere(user: { username: string; userId: string }): Promise<number> {
      await deps.users.bumpCredentialVersion(user.username);
      return deps.sessions.endAllOf(user.userId).catch(() => 0);
    },
  };
}

export type CredentialVersions = ReturnType<typeof createCredentialVersions>;
