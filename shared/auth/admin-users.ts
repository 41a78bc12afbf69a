import * as z from 'zod/mini';
import type { AccountDeletion } from '#shared/auth/account-deletion';
import type { AccountHoldings } from '#shared/auth/account-export';
import type { SessionsTable } from '#shared/data/sessions';
import type { DirectoryPosition, UserDirectory } from '#shared/data/user-directory';
import type { Role, UserRecord, UsersTable } from '#shared/data/users';
import { stillCounts } from '#shared/auth/sessions';
import { epochSeconds } from '#shared/platform/clock';
import { conflict, invalid, notFound } from '#shared/platform/outcomes';
import { ownedRegistrations } from '#shared/registrations/owned';

/** An account as the admin API shows it: never a hash, a secret or a code. */
export interface AdminUserView {
  id: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  role: Role;
  disabled: boolean;
  mfaEnabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export const adminUserView = (user: UserRecord): AdminUserView => ({
  id: user.id,
  username: user.username,
  email: user.email ?? null,
  emailVerified: !!user.email && user.emailVerified === true,
  role: user.role,
  disabled: user.disabled === true,
  mfaEnabled: !!user.totpSecret,
  createdAt: user.createdAt,
  lastLoginAt: user.lastLoginAt ?? null,
});

/** Who acts: the admin's own account, so an action on themself can be refused. */
export interface Actor {
  userId: string;
}

const cursorSchema = z.strictObject({
  p: z.string(),
  v: z.string().check(z.minLength(1)),
  k: z.string().check(z.minLength(1)),
});

/** The opaque cursor of a search page: the search it belongs to, and where the next page starts. */
const encodeCursor = (prefix: string, position: DirectoryPosition) =>
  Buffer.from(JSON.stringify({ p: prefix, v: position.value, k: position.key })).toString('base64url');

/** A cursor of this same search, whose position the search can reach (a value with its prefix). */
function decodeCursor(cursor: string, prefix: string): DirectoryPosition {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success && parsed.data.p === prefix && parsed.data.v.startsWith(prefix))
      return { value: parsed.data.v, key: parsed.data.k };
  } catch {
    // Not base64 JSON: the same answer as any other bad cursor.
  }
  throw invalid({ cursor: 'is not a cursor this API returned' }, 'invalid_cursor');
}

const selfAction = (what: string) =>
  conflict('self_action', `An administrator cannot ${what} their own account; ask another administrator.`);

/** The account an admin names by id, or `not_found`. */
async function target(users: Pick<UsersTable, 'findUserById'>, id: string): Promise<UserRecord> {
  const user = await users.findUserById(id);
  if (!user) throw notFound();
  return user;
}

/*
 * The admin API's domain, in four parts so each function composes only the tables its part reads: find
 * accounts, look at one, change one, delete one, with the rules the account CLI follows. An admin cannot
 * disable, demote or delete themself (`self_action`): a stage must never lose its last admin by a slip,
 * and a stolen admin session cannot lock its owner out.
 */

/** Accounts whose name or address starts with `query` (any case); all of them when empty. */
export function createAdminSearch(deps: { directory: UserDirectory }) {
  return {
    async search(query: string, limit: number, cursor?: string) {
      const prefix = query.toLowerCase();
      const page = await deps.directory.search(
        prefix,
        limit,
        cursor === undefined ? undefined : decodeCursor(cursor, prefix),
      );
      return {
        items: page.items.map(adminUserView),
        ...(page.next ? { nextCursor: encodeCursor(prefix, page.next) } : {}),
      };
    },
  };
}

/** One account, with how many live sessions, passkeys, identities and registrations it has. */
export function createAdminAccount(deps: AccountHoldings & { users: Pick<UsersTable, 'findUserById'> }) {
  async function liveSessions(user: UserRecord): Promise<number> {
    const now = epochSeconds(deps.clock());
    const rows = await deps.sessions.listUserSessions(user.id);
    return rows.filter((session) => stillCounts(session, user, now, deps.idleSeconds)).length;
  }
  async function registrationCount(userId: string): Promise<number> {
    let count = 0;
    for await (const page of ownedRegistrations(deps.registrations, userId)) count += page.length;
    return count;
  }
  return {
    async get(id: string) {
      const user = await target(deps.users, id);
      const [sessions, passkeys, identities, registrations] = await Promise.all([
        liveSessions(user),
        deps.passkeys.listPasskeys(user.id).then((all) => all.length),
        deps.identities.listOf(user.id).then((all) => all.length),
        registrationCount(user.id),
      ]);
      return { ...adminUserView(user), counts: { sessions, passkeys, identities, registrations } };
    },
  };
}

/**
 * Disabling (a new credential version in the same write: every session and device token ends, and
 * enabling the account again does not bring them back), enabling, ending sessions (a new credential
 * version) and setting a role, each a write conditioned on the account's id. Each returns the
 * account acted on, for the audit line. Session rows are deleted after, as clean-up.
 */
export function createAdminChanges(deps: {
  users: Pick<UsersTable, 'findUserById' | 'disableAccount' | 'enableUser' | 'setRole' | 'endSessionsOf'>;
  sessions: Pick<SessionsTable, 'revokeUserSessions'>;
}) {
  const { users } = deps;
  const cleanUp = (user: UserRecord) => deps.sessions.revokeUserSessions(user.id).catch(() => 0);
  return {
    async disable(actor: Actor, id: string): Promise<UserRecord> {
      if (actor.userId === id) throw selfAction('disable');
      const user = await target(users, id);
      if (!(await users.disableAccount(user.username, user.id))) throw notFound();
      await cleanUp(user);
      return user;
    },
    async enable(_actor: Actor, id: string): Promise<UserRecord> {
      const user = await target(users, id);
      if (!(await users.enableUser(user.username, user.id))) throw notFound();
      return user;
    },
    async endSessions(_actor: Actor, id: string): Promise<UserRecord> {
      const user = await target(users, id);
      if (!(await users.endSessionsOf(user.username, user.id))) throw notFound();
      await cleanUp(user);
      return user;
    },
    async setRole(actor: Actor, id: string, role: Role): Promise<UserRecord> {
      if (actor.userId === id && role !== 'admin') throw selfAction('demote');
      const user = await target(users, id);
      if (!(await users.setRole(user.username, user.id, role))) throw notFound();
      return user;
    },
  };
}

/** Deleting an account by id: the owner's own deletion (shared/auth/account-deletion.ts). */
export function createAdminDeletion(deps: {
  users: Pick<UsersTable, 'findUserById'>;
  deletion: Pick<AccountDeletion, 'delete'>;
}) {
  return {
    async delete(actor: Actor, id: string) {
      if (actor.userId === id) throw selfAction('delete');
      const user = await target(deps.users, id);
      return deps.deletion.delete({ username: user.username, userId: user.id });
    },
  };
}

/** `/admin/users/{id}`: an account's id, a UUID. */
export const adminUserPathSchema = z.object({ id: z.uuid('must be an account id (a UUID)') });

/** `?query=&limit=&cursor=`: a name or address prefix (any case), the page size, the previous page's cursor. */
export const adminSearchQuerySchema = z.object({
  query: z.optional(z.string().check(z.maxLength(254, 'must be at most 254 characters'))),
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be a whole number from 1 to 100')),
      z.transform(Number),
    ),
  ),
  cursor: z.optional(z.string()),
});

/** `PUT /admin/users/{id}/role`. */
export const roleBodySchema = z.strictObject({ role: z.enum(['user', 'admin']) });
