import type { AccountTokensTable } from '#shared/data/account-tokens';
import type { EmailsTable } from '#shared/data/emails';
import type { IdentitiesTable } from '#shared/data/identities';
import type { PasskeysTable } from '#shared/data/passkeys';
import type { RegistrationsTable } from '#shared/data/registrations';
import type { SessionsTable } from '#shared/data/sessions';
import type { DeletedAccount, UserRecord, UsersTable } from '#shared/data/users';
import type { Clock } from '#shared/platform/clock';
import { notFound } from '#shared/platform/outcomes';
import { ownedRegistrations } from '#shared/registrations/owned';

export interface AccountDeletionDeps {
  users: Pick<UsersTable, 'markDeleted' | 'pendingDeletions' | 'removeDeleted'>;
  sessions: Pick<SessionsTable, 'revokeUserSessions'>;
  tokens: Pick<AccountTokensTable, 'removeAll'>;
  passkeys: Pick<PasskeysTable, 'listPasskeys' | 'deletePasskey'>;
  identities: Pick<IdentitiesTable, 'listOf' | 'remove'>;
  emails: Pick<EmailsTable, 'release'>;
  registrations: Pick<RegistrationsTable, 'listByOwner' | 'deleteIfUnpaid' | 'removePersonalData'>;
  clock: Clock;
  /** How long after the deletion a clean-up run sweeps once more and frees the name (below). */
  graceSeconds: number;
}

/**
 * Deleting an account (GDPR art. 17), whole or not at all under faults. One write ends it
 * (`markDeleted`): from then on no reader sees the account, login answers as for an unknown name, and its
 * new credential version ends every session and device token. The clean-up follows in the request, each
 * step idempotent: sessions, mailed tokens, passkeys, identities, registrations (unpaid ones deleted, paid
 * ones kept without the person's name and address), the verified address's claim. The daily run
 * (`finishPending`, which finds the account in the byName index's `deleted` partition) sweeps once more
 * and then removes the item, freeing the name: the indexes the clean-up lists from are eventually
 * consistent, and a request already under way when the account ended (a registration, a provider link)
 * may still write; the grace period lets both settle before the last sweep.
 */
export function createAccountDeletion(deps: AccountDeletionDeps) {
  const { users, clock } = deps;

  async function registrations(account: DeletedAccount): Promise<void> {
    const at = clock().toISOString();
    for await (const page of ownedRegistrations(deps.registrations, account.id))
      for (const registration of page) {
        // A payment may land while this runs: a registration paid meanwhile is kept, without the person.
        const deleted = !registration.paid && (await deps.registrations.deleteIfUnpaid(registration.id));
        if (!deleted) await deps.registrations.removePersonalData(registration.id, account.id, at);
      }
  }

  /**
   * The clean-up after the write that ended the account: every step may run again. `free`: the item goes
   * too, and the name with it.
   */
  async function finish(account: DeletedAccount, free: boolean): Promise<void> {
    await deps.sessions.revokeUserSessions(account.id);
    await deps.tokens.removeAll(account.id);
    for (const passkey of await deps.passkeys.listPasskeys(account.id))
      await deps.passkeys.deletePasskey(passkey.credentialId, account.id);
    for (const identity of await deps.identities.listOf(account.id))
      await deps.identities.remove(identity.key, account.id);
    await registrations(account);
    for (const address of new Set([account.verifiedEmail, account.emailVerified ? account.email : undefined]))
      if (address) await deps.emails.release(address, account.id);
    if (free) await users.removeDeleted(account.username, account.id);
  }

  return {
    /**
     * Ends the account in one write and cleans up after it. `ended`: the account as it was (for the
     * notice). `cleanedUp` is false when the clean-up was cut off (the next run finishes it); the account
     * is deleted either way. `not_found` when there is no such account, or it was already deleted.
     */
    async delete(account: {
      username: string;
      userId: string;
    }): Promise<{ ended: UserRecord; cleanedUp: boolean; error?: unknown }> {
      const at = clock().toISOString();
      const ended = await users.markDeleted(account.username, account.userId, at);
      if (!ended) throw notFound();
      const deleted: DeletedAccount = {
        id: ended.id,
        username: ended.username,
        deletedAt: at,
        ...(ended.email ? { email: ended.email, emailVerified: ended.emailVerified === true } : {}),
        ...(ended.verifiedEmail ? { verifiedEmail: ended.verifiedEmail } : {}),
      };
      try {
        await finish(deleted, false);
        return { ended, cleanedUp: true };
      } catch (error) {
        return { ended, cleanedUp: false, error };
      }
    },
    /**
     * The daily run: sweeps every deleted account again (finishing a clean-up cut off) and, once the
     * deletion is `graceSeconds` old, removes its item, freeing the name. How many were swept, how many
     * freed, and how many failed (the next run tries them again).
     */
    async finishPending(): Promise<{ swept: number; freed: number; failed: number }> {
      const summary = { swept: 0, freed: 0, failed: 0 };
      const freeBefore = clock().getTime() - deps.graceSeconds * 1000;
      for await (const page of users.pendingDeletions())
        for (const account of page) {
          const free = Date.parse(account.deletedAt) <= freeBefore;
          await finish(account, free).then(
            () => {
              summary.swept++;
              if (free) summary.freed++;
            },
            () => summary.failed++,
          );
        }
      return summary;
    },
  };
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>;
