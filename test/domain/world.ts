import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { ensureTables, startDynalite } from '#infra/local/dynamodb';
import { startSesEmulator } from '#infra/local/ses';
import { createSesClient, createSesMailer } from '#shared/aws/mailer';
import { createAccountAdmin } from '#shared/auth/account-admin';
import { createAccounts } from '#shared/auth/accounts';
import { createLogins } from '#shared/auth/login';
import { createLoginThrottle } from '#shared/auth/login-throttle';
import { createCredentialVersions } from '#shared/auth/credential-versions';
import { createPasswordChanges } from '#shared/auth/password-change';
import { createPasswordHasher } from '#shared/auth/passwords';
import { createSessions } from '#shared/auth/sessions';
import { createTokenService } from '#shared/auth/tokens';
import { createDocumentClient } from '#shared/data/dynamodb';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { registrationsTableAccess } from '#shared/data/registrations';
import { sessionsTableAccess } from '#shared/data/sessions';
import { sessionHoldersAccess } from '#shared/data/session-holders';
import { tables } from '#shared/data/tables';
import { usersTableAccess } from '#shared/data/users';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { createRegistrations } from '#shared/registrations/registrations';
import type { DeadlineJobDeps } from '#shared/registrations/deadline-job';
import type { ReminderSenderDeps } from '#shared/registrations/reminder-sender';
import type { RegistrationsTable } from '#shared/data/registrations';
import type { Mailer } from '#shared/platform/mailer';
import { createAccountMails } from '#shared/auth/account-mails';
import { createAccountTokens } from '#shared/auth/account-tokens';
import {
  createEmailChanges,
  createEmailVerification,
  createVerificationLinks,
} from '#shared/auth/email-verification';
import { createPasswordResets, createResetRequests } from '#shared/auth/password-reset';
import { createRateLimits } from '#shared/auth/rate-limits';
import { createRecipientLimits } from '#shared/auth/recipient-limits';
import { createPasskeyList } from '#shared/auth/passkey-list';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { accountTokensTableAccess } from '#shared/data/account-tokens';
import { emailsTableAccess } from '#shared/data/emails';

/** A clock the test moves: the domain's only source of "now". */
export function movableClock(start = new Date('2030-01-01T00:00:00Z')) {
  let now = start.getTime();
  const clock = () => new Date(now);
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms;
    },
  });
}
export type MovableClock = ReturnType<typeof movableClock>;

/**
 * The domain factories wired as the functions wire them, on real adapters over an in-process dynalite, with
 * the clock in the test's hands (OpenAuth's tests do the same with a memory store): each test file gets
 * its own tables.
 */
export function domainWorld() {
  let stop: (() => Promise<void>) | undefined;
  let endpoint = '';
  const prefix = `domain-${randomBytes(4).toString('hex')}-`;
  beforeAll(async () => {
    const dynalite = await startDynalite({ port: 0 });
    stop = dynalite.stop;
    endpoint = dynalite.endpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    await ensureTables(new DynamoDBClient({ endpoint }), tables, (table) => `${prefix}${table.name}`);
  });
  afterAll(() => stop?.());

  return async function build(
    clock: MovableClock,
    options: { idleSeconds?: number; lifetimeSeconds?: number } = {},
  ) {
    const db = createDocumentClient(endpoint);
    const name = (table: string) => `${prefix}${table}`;
    const keys = { current: { kid: 'test', secret: 's'.repeat(43) }, previous: [] };
    const passwords = createPasswordHasher({ pepper: 'p'.repeat(43), cost: 4 });
    const users = usersTableAccess(db, name('users'));
    const sessionsTable = sessionsTableAccess(db, name('sessions'));
    const accounts = createAccounts({ users, passwords: async () => passwords, clock });
    const sessions = createSessions({
      table: sessionsTable,
      holders: sessionHoldersAccess(db, { sessions: name('sessions'), users: name('users') }),
      tokens: await createTokenService({ keys, issuer: 'pistus', audience: 'pistus-api', clock }),
      clock,
      lifetimeSeconds: options.lifetimeSeconds ?? 12 * 3600,
      idleSeconds: options.idleSeconds ?? 1800,
    });
    const suppressions = suppressionsTableAccess(db, name('suppressions'));
    const emails = emailsTableAccess(db, name('emails'));
    const tokens = createAccountTokens({
      table: accountTokensTableAccess(db, name('account-tokens')),
      clock,
    });
    const limits = createRateLimits({ table: loginAttemptsTableAccess(db, name('login-attempts')), clock });
    const logins = createLogins({
      accounts,
      throttle: createLoginThrottle({ table: loginAttemptsTableAccess(db, name('login-attempts')), clock }),
      deviceTokens: await createTokenService({
        keys,
        issuer: 'pistus',
        audience: 'pistus-api#device',
        clock,
      }),
      clock,
    });
    return {
      db,
      endpoint,
      name,
      passwords,
      accounts,
      sessions,
      logins,
      admin: createAccountAdmin({ accounts, users, sessions: sessionsTable, emails }),
      users,
      emails,
      tokens,
      /** Account recovery as the functions wire it, mailing links to `https://app.test` through `mailer`. */
      recovery(mailer: Mailer) {
        const recipients = createRecipientLimits({
          limits,
          key: async () => 'domain-test-mail-key',
          settings: { LINK_MAILS_PER_ADDRESS_HOUR: 5, NOTICES_PER_ADDRESS_HOUR: 20 },
        });
        const mails = createAccountMails({ mailer, appUrl: 'https://app.test', suppressions, recipients });
        const links = createVerificationLinks({ tokens, mails, ttlSeconds: 86400 });
        return {
          links,
          changes: createEmailChanges({ users, links }),
          verification: createEmailVerification({ users, emails, tokens }),
          requests: createResetRequests({
            users,
            emails,
            tokens,
            mails,
            limits,
            ttlSeconds: 1800,
            mailsPerHour: 3,
            requestsPerIpHour: 30,
            passkeysOf: createPasskeyList({ passkeys: passkeysTableAccess(db, name('passkeys')) }).list,
          }),
          resets: createPasswordResets({ users, accounts, sessions, tokens }),
        };
      },
      passwordChanges: createPasswordChanges({ accounts, logins, sessions }),
      credentialVersions: createCredentialVersions({ users, sessions }),
      suppressions,
      /**
       * The deadline flow on this world's tables and clock: the planner's collaborators feeding `queues`,
       * and the sender's, mailing through `mailer`.
       */
      deadline(
        mailer: Mailer,
        queues: Pick<DeadlineJobDeps, 'enqueueReminders' | 'continueLater'>,
        overrides: {
          table?: RegistrationsTable;
          planner?: Partial<DeadlineJobDeps>;
          sender?: Partial<ReminderSenderDeps>;
        } = {},
      ) {
        const table = overrides.table ?? registrationsTableAccess(db, name('registrations'));
        return {
          planner: {
            table,
            suppressions,
            ...queues,
            reminderWindowDays: 2,
            realClock: clock,
            ...overrides.planner,
          } satisfies DeadlineJobDeps,
          sender: {
            table,
            mailer,
            sendConcurrency: 4,
            realClock: clock,
            ...overrides.sender,
          } satisfies ReminderSenderDeps,
        };
      },
      registrations: createRegistrations({
        table: registrationsTableAccess(db, name('registrations')),
        clock,
        paymentPeriodDays: 5,
      }),
    };
  };
}

export const uniqueName = (prefix = 'user') => `${prefix}_${randomBytes(4).toString('hex')}`;
export const PASSWORD = 'correct horse battery staple';

/**
 * The SES emulator, started for the test file, and what the domain tests ask of it: a mailer on it (the
 * real SES client), and how many mails an address has received.
 */
export function sesWorld() {
  let ses: Awaited<ReturnType<typeof startSesEmulator>> | undefined;
  beforeAll(async () => {
    ses = await startSesEmulator(0);
  });
  afterAll(() => ses?.stop());
  const endpoint = () => ses?.endpoint ?? '';
  const received = async (address: string) => {
    const { emails } = (await (await fetch(`${endpoint()}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text: string; html: string } }[];
    };
    return emails.filter((email) => email.destination.to.includes(address));
  };
  return {
    mailer: () =>
      createSesMailer({
        client: createSesClient({ endpoint: endpoint() }),
        sender: 'Pistus <no-reply@example.com>',
        maxPerSecond: 100,
      }),
    async mailsTo(address: string): Promise<number> {
      return (await received(address)).length;
    },
    /** The newest mail to the address, as the emulator stored it. */
    async lastMailTo(address: string) {
      return (await received(address)).at(-1);
    },
  };
}
