import type { UsersTable } from '#shared/data/users';

/**
 * A user's credential version: bumped whenever what once proved who they are must stop counting. Device
 * tokens carry the version they were signed under, and a stale one counts as no device.
 */
export function createCredentialVersions(deps: { users: UsersTable }) {
  return {
    /** "Log out everywhere": every device token issued so far goes stale with the sessions. */
    revokeDevices: (username: string) => deps.users.bumpCredentialVersion(username),
  };
}

export type CredentialVersions = ReturnType<typeof createCredentialVersions>;
