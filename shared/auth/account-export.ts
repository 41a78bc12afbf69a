import { type PublicUser, publicUser } from '#shared/auth/accounts';
import { listIdentities, type PublicIdentity } from '#shared/auth/identities';
import { type PasskeyView, passkeyView } from '#shared/auth/passkey-list';
import { type SessionView, sessionView, stillCounts } from '#shared/auth/sessions';
import type { IdentitiesTable } from '#shared/data/identities';
import type { PasskeysTable } from '#shared/data/passkeys';
import type { Registration, RegistrationsTable } from '#shared/data/registrations';
import type { SessionsTable } from '#shared/data/sessions';
import type { UsersTable } from '#shared/data/users';
import { type Clock, epochSeconds } from '#shared/platform/clock';
import { notFound } from '#shared/platform/outcomes';
import { ownedRegistrations } from '#shared/registrations/owned';

/** Something that happened to the account, as the service recorded it on the account's own items. */
export interface AccountEvent {
  type:
    | 'account.created'
    | 'account.signed_in'
    | 'session.started'
    | 'passkey.added'
    | 'passkey.used'
    | 'identity.linked'
    | 'identity.used'
    | 'registration.created'
    | 'registration.paid'
    | 'reminder.sent';
  at: string;
  /** What it was about: a device and address, a passkey's name, a provider, a registration's id. */
  about?: string;
}

/** Everything the service holds about one account (GDPR art. 15 and 20), and nothing that proves anything. */
export interface AccountExport {
  exportedAt: string;
  account: PublicUser & { hasPassword: boolean; lastLoginAt: string | null };
  sessions: SessionView[];
  passkeys: PasskeyView[];
  identities: PublicIdentity[];
  registrations: Registration[];
  auditEvents: AccountEvent[];
}

/**
 * The account's events, newest first, from the moments its items record. The service's audit lines
 * (who did what, from where) go to its logs, which are kept per stage, not per account: they are not in
 * an export (the README says where they are kept, and for how long).
 */
function eventsOf(data: Omit<AccountExport, 'auditEvents' | 'exportedAt'>): AccountEvent[] {
  const events: (AccountEvent | undefined)[] = [
    { type: 'account.created', at: data.account.createdAt },
    data.account.lastLoginAt ? { type: 'account.signed_in', at: data.account.lastLoginAt } : undefined,
    ...data.sessions.map((s) => ({
      type: 'session.started' as const,
      at: s.createdAt,
      about: `${s.device}, ${s.ip}`,
    })),
    ...data.passkeys.flatMap((p) => [
      { type: 'passkey.added' as const, at: p.createdAt, about: p.name },
      p.lastUsedAt ? { type: 'passkey.used' as const, at: p.lastUsedAt, about: p.name } : undefined,
    ]),
    ...data.identities.flatMap((i) => [
      { type: 'identity.linked' as const, at: i.linkedAt, about: i.provider },
      i.lastUsedAt ? { type: 'identity.used' as const, at: i.lastUsedAt, about: i.provider } : undefined,
    ]),
    ...data.registrations.flatMap((r) => [
      { type: 'registration.created' as const, at: r.registeredAt, about: r.id },
      r.paidAt ? { type: 'registration.paid' as const, at: r.paidAt, about: r.id } : undefined,
      r.reminderSentAt ? { type: 'reminder.sent' as const, at: r.reminderSentAt, about: r.id } : undefined,
    ]),
  ];
  return events
    .filter((event): event is AccountEvent => event !== undefined)
    .sort((a, b) => b.at.localeCompare(a.at));
}

/** What an account holds beyond its item, each listed from its index; and what says a session still counts. */
export interface AccountHoldings {
  sessions: Pick<SessionsTable, 'listUserSessions'>;
  passkeys: Pick<PasskeysTable, 'listPasskeys'>;
  identities: Pick<IdentitiesTable, 'listOf'>;
  registrations: Pick<RegistrationsTable, 'listByOwner'>;
  clock: Clock;
  idleSeconds: number;
}

export function createAccountExport(
  deps: AccountHoldings & { users: Pick<UsersTable, 'findUserByUsername'> },
) {
  return {
    /**
     * The account's data, read now (the account itself consistently); `current`: the session asking, marked
     * so in the list. `not_found` when there is no such account.
     */
    async exportOf(account: { username: string; userId: string }, current?: string): Promise<AccountExport> {
      const user = await deps.users.findUserByUsername(account.username);
      if (!user || user.id !== account.userId) throw notFound();
      const now = epochSeconds(deps.clock());
      const registrations: Registration[] = [];
      const [sessions, passkeys, identities] = await Promise.all([
        deps.sessions.listUserSessions(user.id).then((rows) =>
          rows
            .filter((row) => stillCounts(row, user, now, deps.idleSeconds))
            .map((row) => sessionView(row, current))
            .sort((a, b) => b.lastActiveAt.localeCompare(a.lastActiveAt)),
        ),
        deps.passkeys.listPasskeys(user.id),
        listIdentities(deps.identities, user.id),
        (async () => {
          for await (const page of ownedRegistrations(deps.registrations, user.id))
            registrations.push(...page);
        })(),
      ]);
      const data = {
        account: {
          ...publicUser(user),
          hasPassword: user.passwordHash !== undefined,
          lastLoginAt: user.lastLoginAt ?? null,
        },
        sessions,
        passkeys: passkeys.map(passkeyView),
        identities,
        registrations,
      };
      return { exportedAt: deps.clock().toISOString(), ...data, auditEvents: eventsOf(data) };
    },
  };
}

export type AccountExporter = ReturnType<typeof createAccountExport>;
