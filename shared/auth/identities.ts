import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { addressHolder } from '#shared/auth/email-verification';
import { identityKey, type ProviderProfile } from '#shared/auth/identity-providers';
import { usernameCandidates, usernameKey } from '#shared/auth/username';
import type { EmailsTable } from '#shared/data/emails';
import type { IdentitiesTable, IdentityRecord } from '#shared/data/identities';
import type { SignInMethods } from '#shared/auth/sign-in-methods';
import type { UserRecord, UsersTable } from '#shared/data/users';
import type { Clock } from '#shared/platform/clock';
import { notFound } from '#shared/platform/outcomes';

/** What the owner sees of a linked identity: never the provider's subject, never a token. */
export interface PublicIdentity {
  id: string;
  provider: string;
  email: string | null;
  linkedAt: string;
  lastUsedAt: string | null;
}

export const publicIdentity = (identity: IdentityRecord): PublicIdentity => ({
  id: identity.id,
  provider: identity.provider,
  email: identity.email ?? null,
  linkedAt: identity.linkedAt,
  lastUsedAt: identity.lastUsedAt ?? null,
});

export type ProviderSignIn =
  | { kind: 'signed_in'; user: UserRecord; created: boolean }
  /** The provider's verified address is another account's: that account's owner links from its page. */
  | { kind: 'link_required' }
  | { kind: 'disabled' };

export type ProviderLink = { kind: 'linked'; identity: IdentityRecord; added: boolean } | { kind: 'taken' };

/**
 * Accounts through identity providers. An identity (provider and subject) belongs to one account, claimed by
 * a conditional put. Never merged by address alone (an address at a provider is not proof of owning the
 * account that verified it here; Ory calls automatic linking an account-takeover risk): an identity whose
 * verified address another account holds is refused with `link_required`, and that account's owner links it
 * after signing in. A first sign-in makes an account in steps that each can be retried: the identity is
 * claimed first with the new account's id, then the address, then the user; a sign-in that finds an
 * identity without its account finishes the making.
 */
export function createIdentities(deps: {
  identities: IdentitiesTable;
  users: Pick<UsersTable, 'createUser' | 'findUserByUsername' | 'findDeleted'>;
  emails: Pick<EmailsTable, 'ownerOf' | 'claim'>;
  clock: Clock;
}) {
  const { identities, users, emails, clock } = deps;
  const newId = () => randomBytes(12).toString('base64url');
  const otherHolder = addressHolder({ users, emails });

  /** The account an identity names, if it is there and still that account (a reused name is not). */
  async function accountOf(identity: IdentityRecord): Promise<UserRecord | undefined> {
    const user = await users.findUserByUsername(identity.username);
    return user?.id === identity.userId ? user : undefined;
  }

  /** Makes the account a claimed identity names: its address claimed, then the user, under a free name. */
  async function finishAccount(identity: IdentityRecord, profile: ProviderProfile): Promise<ProviderSignIn> {
    // The digits follow from the identity, so two sign-ins finishing the same account try the same names.
    let attempt = 0;
    const digits = () =>
      String(
        1000 + (createHash('sha256').update(`${identity.id}#${attempt++}`).digest().readUInt32BE(0) % 9000),
      );
    const candidates = [
      identity.username,
      ...usernameCandidates(profile.nameHint, digits).filter((name) => name !== identity.username),
    ];
    for (const username of candidates) {
      if (username !== identity.username) {
        await identities.rename(identity.key, identity.userId, username);
        identity.username = username;
      }
      const owner = { userId: identity.userId, usernameKey: usernameKey(username) };
      if (profile.email) {
        const other = await otherHolder(profile.email, identity.userId);
        if (other.held || !(await emails.claim(profile.email, owner, other.stale))) {
          await identities.remove(identity.key, identity.userId);
          return { kind: 'link_required' };
        }
      }
      const user: UserRecord = {
        id: identity.userId,
        username,
        role: 'user',
        createdAt: clock().toISOString(),
        ...(profile.email ? { email: profile.email, emailVerified: true } : {}),
      };
      if (await users.createUser(user)) return { kind: 'signed_in', user, created: true };
    }
    throw Object.assign(new Error('no free username for a new account'), { name: 'ServiceUnavailable' });
  }

  return {
    async signIn(profile: ProviderProfile): Promise<ProviderSignIn> {
      const key = identityKey(profile.provider, profile.subject);
      const now = clock().toISOString();
      let identity = await identities.find(key);
      if (identity) {
        const user = await accountOf(identity);
        if (user) {
          if (user.disabled) return { kind: 'disabled' };
          await identities.touch(key, now);
          return { kind: 'signed_in', user, created: false };
        }
        // Its account was deleted and its clean-up has not reached this identity yet: the identity goes
        // now, and this sign-in is a first one (a new account, a new id), never the deleted one back.
        const deleted = await users.findDeleted(identity.username);
        if (deleted?.id !== identity.userId) return finishAccount(identity, profile);
        await identities.remove(identity.key, identity.userId);
      }
      if (profile.email && (await otherHolder(profile.email, '')).held) return { kind: 'link_required' };
      const [username = 'user'] = usernameCandidates(profile.nameHint, () => '');
      identity = {
        key,
        id: newId(),
        provider: profile.provider,
        userId: randomUUID(),
        username,
        ...(profile.email ? { email: profile.email } : {}),
        linkedAt: now,
        lastUsedAt: now,
      };
      // Two first sign-ins at once: one claims the identity, the other signs in to what it made.
      if (!(await identities.claim(identity))) return this.signIn(profile);
      return finishAccount(identity, profile);
    },

    /** Attaches the identity to the signed-in account; `taken` when it is another account's. */
    async link(user: { id: string; username: string }, profile: ProviderProfile): Promise<ProviderLink> {
      const now = clock().toISOString();
      const identity: IdentityRecord = {
        key: identityKey(profile.provider, profile.subject),
        id: newId(),
        provider: profile.provider,
        userId: user.id,
        username: user.username,
        ...(profile.email ? { email: profile.email } : {}),
        linkedAt: now,
        lastUsedAt: now,
      };
      if (await identities.claim(identity)) return { kind: 'linked', identity, added: true };
      const existing = await identities.find(identity.key);
      if (existing?.userId === user.id) return { kind: 'linked', identity: existing, added: false };
      return { kind: 'taken' };
    },
  };
}

export type Identities = ReturnType<typeof createIdentities>;

/** The account's identities as its owner sees them, oldest link first. */
export async function listIdentities(
  identities: Pick<IdentitiesTable, 'listOf'>,
  userId: string,
): Promise<PublicIdentity[]> {
  const mine = await identities.listOf(userId);
  return mine.map(publicIdentity).sort((a, b) => a.linkedAt.localeCompare(b.linkedAt));
}

export function createIdentityRemoval(deps: {
  identities: Pick<IdentitiesTable, 'listOf' | 'remove'>;
  methods: SignInMethods;
}) {
  const { identities, methods } = deps;
  return {
    /**
     * Unlinks one of the account's identities; `not_found` for anyone else's, and `last_sign_in_method`
     * when the account would be left with no way in (no password, no passkey, no other identity).
     */
    async unlink(owner: { id: string; username: string }, id: string): Promise<IdentityRecord> {
      const target = (await identities.listOf(owner.id)).find((identity) => identity.id === id);
      if (!target) throw notFound();
      const removed = await methods.removing(owner, { identity: id }, () =>
        identities.remove(target.key, owner.id),
      );
      if (!removed) throw notFound();
      return removed;
    },
  };
}

export type IdentityRemoval = ReturnType<typeof createIdentityRemoval>;
