import type { IdentitiesTable } from '#shared/data/identities';
import type { PasskeysTable } from '#shared/data/passkeys';
import type { UsersTable } from '#shared/data/users';
import { type Clock, epochSeconds } from '#shared/platform/clock';
import { conflict } from '#shared/platform/outcomes';

export const lastSignInMethod = () =>
  conflict(
    'last_sign_in_method',
    'This is the only way into the account: set a password, add a passkey or link another provider first.',
  );

const removalInProgress = () =>
  conflict(
    'sign_in_methods_busy',
    'Another change to how you sign in is being made. Please try again in a moment.',
  );

/** How long a removal may hold the account's lease: far past its few calls, short enough to retry after. */
const LEASE_SECONDS = 10;

/**
 * The ways into an account: its password, its passkeys, its identities at providers. An account a provider
 * made has no password; removing its last passkey or identity would lock its owner out for good, so that
 * is refused (`last_sign_in_method`). Two removals at once must not both pass the count: for an account
 * without a password each holds a lease on the account item (a conditional write) while it counts and
 * removes, and counts what is there now (the byUser indexes may still list what a removal just deleted, so
 * each item is read again, consistently).
 */
export function createSignInMethods(deps: {
  users: Pick<UsersTable, 'findUserByUsername' | 'leaseSignInMethods' | 'endSignInMethodsLease'>;
  identities: Pick<IdentitiesTable, 'listOf' | 'stillThere'>;
  passkeys: Pick<PasskeysTable, 'listPasskeys' | 'stillThere'>;
  clock: Clock;
}) {
  const { users, identities, passkeys, clock } = deps;

  /** The ways in the account keeps without `leaving`, counted from what is stored now. */
  async function othersThan(userId: string, leaving: { identity?: string; passkey?: string }) {
    const [listed, keys] = await Promise.all([identities.listOf(userId), passkeys.listPasskeys(userId)]);
    const otherIdentities = listed.filter((identity) => identity.id !== leaving.identity);
    const otherPasskeys = keys.filter((passkey) => passkey.credentialId !== leaving.passkey);
    const [identitiesThere, passkeysThere] = await Promise.all([
      identities.stillThere(otherIdentities.map((identity) => identity.key)),
      passkeys.stillThere(otherPasskeys.map((passkey) => passkey.credentialId)),
    ]);
    return identitiesThere.size + passkeysThere.size;
  }

  return {
    /**
     * Removes one way in (`removal`) unless it is the account's last: an account with a password always
     * keeps that one; one without counts its others under the lease.
     */
    async removing<T>(
      owner: { id: string; username: string },
      leaving: { identity?: string; passkey?: string },
      removal: () => Promise<T>,
    ): Promise<T> {
      const account = await users.findUserByUsername(owner.username);
      if (account?.id === owner.id && account.passwordHash) return removal();
      const now = epochSeconds(clock());
      const until = now + LEASE_SECONDS;
      if (!(await users.leaseSignInMethods(owner.username, owner.id, now, until))) throw removalInProgress();
      try {
        if ((await othersThan(owner.id, leaving)) === 0) throw lastSignInMethod();
        return await removal();
      } finally {
        await users.endSignInMethodsLease(owner.username, until).catch(() => undefined);
      }
    },
  };
}

export type SignInMethods = ReturnType<typeof createSignInMethods>;
