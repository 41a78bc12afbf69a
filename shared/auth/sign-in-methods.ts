import type { IdentitiesTable } from '#shared/data/identities';
import type { PasskeysTable } from '#shared/data/passkeys';
import type { UsersTable } from '#shared/data/users';
import { conflict } from '#shared/platform/outcomes';

export const lastSignInMethod = () =>
  conflict(
    'last_sign_in_method',
    'This is the only way into the account: set a password, add a passkey or link another provider first.',
  );

/**
 * The ways into an account: its password, its passkeys, its identities at providers. An account a provider
 * made has no password; removing its last passkey or identity would lock its owner out for good, so that
 * is refused (`last_sign_in_method`). A reset link to the verified address sets a password.
 */
export function createSignInMethods(deps: {
  users: Pick<UsersTable, 'findUserByUsername'>;
  identities: Pick<IdentitiesTable, 'listOf'>;
  passkeys: Pick<PasskeysTable, 'listPasskeys'>;
}) {
  return {
    /** Refuses unless the account keeps a way in without `leaving` (an identity's id, or a passkey's). */
    async requireAnother(
      owner: { id: string; username: string },
      leaving: { identity?: string; passkey?: string },
    ): Promise<void> {
      const account = await deps.users.findUserByUsername(owner.username);
      if (account?.id === owner.id && account.passwordHash) return;
      const [identities, passkeys] = await Promise.all([
        deps.identities.listOf(owner.id),
        deps.passkeys.listPasskeys(owner.id),
      ]);
      const others =
        identities.filter((identity) => identity.id !== leaving.identity).length +
        passkeys.filter((passkey) => passkey.credentialId !== leaving.passkey).length;
      if (others === 0) throw lastSignInMethod();
    },
  };
}

export type SignInMethods = ReturnType<typeof createSignInMethods>;
