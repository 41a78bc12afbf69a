import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTables } from '#infra/local/dynamodb';
import { verifiedAddress } from '#shared/auth/email-address';
import { type Registration, registrationsTableAccess } from '#shared/data/registrations';
import { registrationsTable } from '#shared/data/tables';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { deadlineQueuesWorld } from '../support/deadline-queues.ts';
import { createRegistrations } from '#shared/registrations/registrations';
import { cutAt, injectFaults } from '../support/dynamodb-faults.ts';
import { createIdentities, createIdentityRemoval } from '#shared/auth/identities';
import { identityKey } from '#shared/auth/identity-providers';
import { createSignInMethods } from '#shared/auth/sign-in-methods';
import { identitiesTableAccess, type IdentityRecord } from '#shared/data/identities';
import type { UserRecord } from '#shared/data/users';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { createAccountDeletion } from '#shared/auth/account-deletion';
import { accountTokensTableAccess } from '#shared/data/account-tokens';
import { sessionsTableAccess } from '#shared/data/sessions';
import { domainWorld, movableClock, PASSWORD, uniqueName, sesWorld } from './world.ts';

/**
 * A Lambda can be cut off between any two of its AWS calls (its timeout). For every write and the deadline
 * job: run it cut off before its k-th DynamoDB call, for every k until it runs whole, and check the state
 * is the old one or the new one, never a mix; then the client's retry (or the next run) completes it.
 */
const world = domainWorld();
const NEW_PASSWORD = 'a different horse entirely';
const DAY = 24 * 3600 * 1000;

type Built = Awaited<ReturnType<typeof world>>;
type State = 'old' | 'new';

interface Scenario<S> {
  setup(built: Built): Promise<S>;
  act(built: Built, s: S): Promise<unknown>;
  /** Which state this is; throws (an assertion) when it is neither. */
  state(built: Built, s: S): Promise<State>;
  /** What the client does after an error; by default, the same request again. */
  retry?(built: Built, s: S): Promise<unknown>;
}

/** Runs the scenario cut at every call; returns how many calls the whole run makes. */
async function cutEverywhere<S>(scenario: Scenario<S>): Promise<number> {
  const built = await world(movableClock());
  for (let k = 0; ; k++) {
    const s = await scenario.setup(built);
    const cut = injectFaults(built.db, cutAt(k));
    const outcome = await scenario.act(built, s).then(
      () => 'done',
      (error: unknown) => error,
    );
    cut.remove();
    if (cut.calls.length <= k) {
      // Never reached call k: this run was whole.
      expect(outcome, `a whole run (${k} calls)`).toBe('done');
      expect(await scenario.state(built, s)).toBe('new');
      return k;
    }
    expect(['old', 'new'], `cut before call ${k}`).toContain(await scenario.state(built, s));
    await (scenario.retry ?? scenario.act)(built, s);
    expect(await scenario.state(built, s), `retried after a cut before call ${k}`).toBe('new');
  }
}

async function signedIn(built: Built) {
  const username = uniqueName();
  const user = await built.accounts.signUp({ username, password: PASSWORD });
  return {
    username,
    user,
    here: await built.sessions.start(user),
    elsewhere: await built.sessions.start(user),
  };
}

const verifies = async (built: Built, username: string, password: string) =>
  (await built.accounts.checkCredentials({ username, password })) !== null;

describe('cut off after every call, each write is whole or not at all', () => {
  it('signup: no account, or one that logs in (a retry after a cut logs in)', async () => {
    const calls = await cutEverywhere({
      setup: async () => ({ username: uniqueName() }),
      act: async (built, { username }) => {
        const user = await built.accounts.signUp({ username, password: PASSWORD });
        return built.sessions.start(user);
      },
      state: async (built, { username }) => {
        const user = await built.accounts.findUser(username);
        if (!user) return 'old';
        expect(await verifies(built, username, PASSWORD)).toBe(true);
        return 'new';
      },
      retry: async (built, { username }) =>
        (await built.accounts.findUser(username))
          ? built.logins.attempt({ username, password: PASSWORD, ip: '10.2.0.1' })
          : built.accounts.signUp({ username, password: PASSWORD }),
    });
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it('login: the password and sessions unchanged, or a new session', async () => {
    await cutEverywhere({
      setup: async (built) => {
        const username = uniqueName();
        const user = await built.accounts.signUp({ username, password: PASSWORD });
        return { username, user, token: '' };
      },
      // As the login handler does: the session is written beside the counters' settlement.
      act: async (built, s) => {
        const outcome = await built.logins.attempt(
          { username: s.username, password: PASSWORD, ip: '10.2.0.2' },
          async (user) => {
            const started = await built.sessions.start(user);
            s.token = started.token;
            return started;
          },
        );
        if (outcome.kind !== 'ok') throw new Error(`login ${outcome.kind}`);
      },
      state: async (built, s) => {
        expect(await verifies(built, s.username, PASSWORD)).toBe(true);
        return s.token && (await built.sessions.resolve(s.token)) ? 'new' : 'old';
      },
    });
  });

  it('logout: the session lives, or it has ended', async () => {
    await cutEverywhere({
      setup: signedIn,
      act: (built, s) => built.sessions.end(s.here.token),
      state: async (built, s) => ((await built.sessions.resolve(s.here.token)) ? 'old' : 'new'),
    });
  });

  it('password change: the old password with every session, or the new one with only this session', async () => {
    const calls = await cutEverywhere({
      setup: signedIn,
      act: async (built, s) => {
        const outcome = await built.passwordChanges.change({
          session: s.here.session,
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
          ip: '10.2.0.3',
        });
        if (outcome.kind !== 'changed') throw new Error(`change ${outcome.kind}`);
      },
      state: async (built, s) => {
        expect(await built.sessions.resolve(s.here.token)).not.toBeNull();
        const [old, fresh] = [
          await verifies(built, s.username, PASSWORD),
          await verifies(built, s.username, NEW_PASSWORD),
        ];
        const elsewhere = (await built.sessions.resolve(s.elsewhere.token)) !== null;
        if (old && !fresh && elsewhere) return 'old';
        expect({ old, fresh, elsewhere }).toEqual({ old: false, fresh: true, elsewhere: false });
        return 'new';
      },
    });
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  it('"log out everywhere": every session lives, or none does', async () => {
    await cutEverywhere({
      setup: signedIn,
      act: (built, s) => built.credentialVersions.endEverywhere(s.here.session),
      state: async (built, s) => {
        const live = [
          (await built.sessions.resolve(s.here.token)) !== null,
          (await built.sessions.resolve(s.elsewhere.token)) !== null,
        ];
        if (live.every(Boolean)) return 'old';
        expect(live).toEqual([false, false]);
        return 'new';
      },
    });
  });

  it('registration create with an Idempotency-Key: none, or exactly one, and the retry answers that one', async () => {
    await cutEverywhere({
      setup: async () => ({
        viewer: { userId: uniqueName('owner'), role: 'user' as const },
        ids: [] as string[],
      }),
      act: async (built, s) => {
        const input = { activity: 'Raku', email: 'raku@example.com' };
        const { registration } = await built.registrations.create(s.viewer, input, { idempotencyKey: 'k' });
        s.ids.push(registration.id);
      },
      state: async (built, s) => {
        const { items } = await built.registrations.list(s.viewer, {});
        if (items.length === 0) return 'old';
        expect(items).toHaveLength(1);
        for (const id of s.ids) expect(id).toBe(items[0]?.id);
        return 'new';
      },
    });
  });

  const admin = { userId: 'admin', role: 'admin' as const };
  const aRegistration = async (built: Built) => {
    const viewer = { userId: uniqueName('owner'), role: 'user' as const };
    const { registration } = await built.registrations.create(viewer, {
      activity: 'Wheel',
      email: 'w@example.com',
    });
    return { viewer, registration };
  };

  it('payment: unpaid, or paid (the retry keeps the first paidAt)', async () => {
    await cutEverywhere({
      setup: aRegistration,
      act: (built, s) => built.registrations.pay(admin, s.registration.id),
      state: async (built, s) =>
        (await built.registrations.get(admin, s.registration.id)).paid ? 'new' : 'old',
    });
  });

  it('delete: there, or gone (the retry answers not_found)', async () => {
    await cutEverywhere({
      setup: aRegistration,
      act: (built, s) => built.registrations.remove(s.viewer, s.registration.id),
      state: async (built, s) =>
        (await built.registrations.get(admin, s.registration.id).catch(() => undefined)) ? 'old' : 'new',
      retry: (built, s) =>
        built.registrations.remove(s.viewer, s.registration.id).catch((error: { kind?: string }) => {
          if (error.kind !== 'not_found') throw error;
        }),
    });
  });
});

describe('the deadline flow, cut off after every call', () => {
  const ses = sesWorld();
  const deadlineQueues = deadlineQueuesWorld();

  it('deletes each expired registration or leaves it, sends each reminder at most once, and the next run does the rest', async () => {
    const clock = movableClock(new Date('2050-01-01T00:00:00Z'));
    await cutEverywhere({
      async setup(built) {
        // A table of its own per run, so each run sees exactly its own registrations.
        const tableName = built.name(`registrations-${randomBytes(4).toString('hex')}`);
        await ensureTables(
          new DynamoDBClient({ endpoint: built.endpoint }),
          [registrationsTable],
          () => tableName,
        );
        const table = registrationsTableAccess(built.db, tableName);
        const registrations = createRegistrations({ table, clock, paymentPeriodDays: 5 });
        const owner = { userId: uniqueName('owner'), role: 'user' as const };
        const made: Registration[] = [];
        for (const activity of ['Expired one', 'Expired two'])
          made.push(
            (await registrations.create(owner, { activity, email: `${uniqueName('x')}@example.com` }))
              .registration,
          );
        clock.advance(4 * DAY);
        for (const activity of ['Late one', 'Late two'])
          made.push(
            (await registrations.create(owner, { activity, email: `${uniqueName('l')}@example.com` }))
              .registration,
          );
        // A reminder a cut sender left claimed goes to the dead letters on its second receive.
        const queues = await deadlineQueues({ maxReceiveCount: 2 });
        const flow = built.deadline(ses.mailer(), queues.planner, {
          table,
          planner: { realClock: clock, sleep: async () => undefined },
          sender: { realClock: clock, sendConcurrency: 1, sleep: async () => undefined },
        });
        // Four days on: the first two are a day past their deadline, the last two a day before theirs.
        const now = new Date(clock().getTime() + 4 * DAY);
        return { table, queues, flow, now, expired: made.slice(0, 2), late: made.slice(2) };
      },
      // The planner, then one pass of the sender over what it queued: cut off at any DynamoDB call of either.
      act: async (_built, s) => {
        const summary = await runDeadlineJob(s.flow.planner, s.now);
        if (summary.failed > 0) throw new Error(`${summary.failed} left for the next run`);
        const sent = await s.queues.sendOnce(s.flow.sender);
        if (sent.retry > 0) throw new Error(`${sent.retry} reminders back on the queue`);
      },
      state: async (_built, s) => {
        const gone = await Promise.all(s.expired.map(async (r) => !(await s.table.findRegistration(r.id))));
        const reminders = await Promise.all(
          s.late.map(async (r) => {
            const mails = await ses.mailsTo(r.email);
            const stored = await s.table.findRegistration(r.id);
            // Never twice; never recorded as sent without a mail.
            expect(mails, r.email).toBeLessThanOrEqual(1);
            if (stored?.reminderSentAt) expect(mails, r.email).toBe(1);
            return mails === 1;
          }),
        );
        // Each registration on its own is old or new; the run as a whole is new once all of them are.
        return gone.every(Boolean) && reminders.every(Boolean) ? 'new' : 'old';
      },
      // The next plan and the queue complete the rest. A reminder cut off between SES and its record keeps
      // its claim, so it is not sent again: the window left, bounded by the claim's lease (a second mail at
      // most, and only after the lease).
      retry: async (_built, s) => {
        await runDeadlineJob(s.flow.planner, s.now);
        await s.queues.drain(s.flow.sender);
      },
    });
  });
});

describe('account recovery, cut off after every call', () => {
  const ses = sesWorld();
  const tokenIn = async (to: string, page: string) =>
    new RegExp(`/${page}\\?token=([A-Za-z0-9._~-]+)`).exec(
      (await ses.lastMailTo(to))?.body.text ?? '',
    )?.[1] ?? '';
  const withAddress = async (built: Built) => {
    const email = `${uniqueName('cut')}@example.com`;
    const user = await built.accounts.signUp({ username: uniqueName(), password: PASSWORD, email });
    await built.recovery(ses.mailer()).links.firstLink(user);
    return { user, email, token: await tokenIn(email, 'verify-email') };
  };

  it('email verification: unverified and unclaimed, or verified and claimed; the same link again completes it', async () => {
    await cutEverywhere({
      setup: withAddress,
      act: (built, s) => built.recovery(ses.mailer()).verification.verify(s.token),
      state: async (built, s) => {
        const verified = (await built.users.findUserByUsername(s.user.username))?.emailVerified === true;
        const owner = await built.emails.ownerOf(s.email);
        // A claim may lead its mark (the retry marks it); a mark never stands without its claim.
        if (verified) expect(owner?.userId).toBe(s.user.id);
        return verified ? 'new' : 'old';
      },
    });
  });

  it('changing a verified address: the old one keeps the mail, or the new one is verified and claimed; the same link again completes it', async () => {
    await cutEverywhere({
      async setup(built) {
        const { user, email, token } = await withAddress(built);
        const recovery = built.recovery(ses.mailer());
        await recovery.verification.verify(token);
        const next = `${uniqueName('next')}@example.com`;
        await recovery.changes.change({ username: user.username, userId: user.id }, next);
        return { user, email, next, token: await tokenIn(next, 'verify-email') };
      },
      act: (built, s) => built.recovery(ses.mailer()).verification.verify(s.token),
      async state(built, s) {
        const address = verifiedAddress((await built.users.findUserByUsername(s.user.username)) ?? {});
        if (address !== s.next) {
          // Until the new one is proved, the old one is still the account's, and still its claim.
          expect(address).toBe(s.email);
          expect((await built.emails.ownerOf(s.email))?.userId).toBe(s.user.id);
          return 'old';
        }
        expect((await built.emails.ownerOf(s.next))?.userId).toBe(s.user.id);
        return 'new';
      },
    });
  });

  it('password reset: the old password with every session, or the new one with none; a new link completes it', async () => {
    await cutEverywhere({
      async setup(built) {
        const { user, email, token } = await withAddress(built);
        await built.recovery(ses.mailer()).verification.verify(token);
        const session = await built.sessions.start(user);
        await built.recovery(ses.mailer()).requests.request({ email }, '192.0.2.9');
        return { user, email, session, link: await tokenIn(email, 'reset-password') };
      },
      act: (built, s) => built.recovery(ses.mailer()).resets.reset(s.link, NEW_PASSWORD),
      async state(built, s) {
        const [oldWorks, newWorks] = await Promise.all([
          verifies(built, s.user.username, PASSWORD),
          verifies(built, s.user.username, NEW_PASSWORD),
        ]);
        expect(oldWorks !== newWorks, 'exactly one password works').toBe(true);
        // The sessions end in the same write as the new password.
        expect((await built.sessions.resolve(s.session.token)) === null).toBe(newWorks);
        return newWorks ? 'new' : 'old';
      },
      // A link used by a request cut off before the password was written is spent (the give-back could not
      // run either): the user asks for another, as the reset page tells them.
      async retry(built, s) {
        const recovery = built.recovery(ses.mailer());
        const again = await recovery.resets.reset(s.link, NEW_PASSWORD).catch(() => undefined);
        if (again) return;
        await recovery.requests.request({ email: s.email }, '192.0.2.10');
        await recovery.resets.reset(await tokenIn(s.email, 'reset-password'), NEW_PASSWORD);
      },
    });
  });
});

describe('identity providers, cut off after every call', () => {
  const identitiesOf = (built: Built) => ({
    table: identitiesTableAccess(built.db, built.name('identities')),
    signIns: createIdentities({
      identities: identitiesTableAccess(built.db, built.name('identities')),
      users: built.users,
      emails: built.emails,
      clock: movableClock(),
    }),
  });

  it('a first sign-in: no account (nobody signs in), or one with its verified address claimed; signing in again completes it', async () => {
    const calls = await cutEverywhere({
      async setup() {
        const email = `${uniqueName('first')}@example.com`;
        return {
          profile: { provider: 'test', subject: uniqueName('sub'), email, nameHint: uniqueName('who') },
        };
      },
      act: (built, { profile }) => identitiesOf(built).signIns.signIn(profile),
      async state(built, { profile }) {
        const identity = await identitiesOf(built).table.find(identityKey(profile.provider, profile.subject));
        const user = identity && (await built.users.findUserByUsername(identity.username));
        if (!user || user.id !== identity?.userId) return 'old';
        // An account that exists is whole: its address verified and claimed by it.
        expect(user).toMatchObject({ email: profile.email, emailVerified: true });
        expect((await built.emails.ownerOf(profile.email))?.userId).toBe(user.id);
        return 'new';
      },
    });
    expect(calls).toBeGreaterThan(3);
  });

  it('an unlink: the identity there, or gone (the retry, once the lease a cut left has run out, completes it or answers not_found)', async () => {
    const leaseClock = movableClock(new Date());
    const unlink = (built: Built, { user, leaving }: { user: UserRecord; leaving: IdentityRecord }) =>
      createIdentityRemoval({
        identities: identitiesTableAccess(built.db, built.name('identities')),
        methods: createSignInMethods({
          users: built.users,
          identities: identitiesTableAccess(built.db, built.name('identities')),
          passkeys: passkeysTableAccess(built.db, built.name('passkeys')),
          clock: leaseClock,
        }),
      }).unlink(user, leaving.id);
    const calls = await cutEverywhere({
      async setup(built) {
        const { signIns, table } = identitiesOf(built);
        const first = await signIns.signIn({
          provider: 'test',
          subject: uniqueName('a'),
          nameHint: uniqueName('u'),
        });
        if (first.kind !== 'signed_in') throw new Error('no account');
        await signIns.link(first.user, { provider: 'other', subject: uniqueName('b') });
        const [leaving] = await table.listOf(first.user.id);
        return { user: first.user, leaving: leaving as IdentityRecord };
      },
      act: unlink,
      async state(built, { leaving }) {
        const left = await identitiesOf(built).table.stillThere([leaving.key]);
        return left.size ? 'old' : 'new';
      },
      // A cut can leave the account's lease behind: it runs out, then the request is made again.
      async retry(built, s) {
        leaseClock.advance(11_000);
        // Gone already (the cut fell after the delete): the retry answers not_found, as for a registration.
        return unlink(built, s).catch((error: { kind?: string }) => {
          if (error.kind !== 'not_found') throw error;
        });
      },
    });
    expect(calls).toBeGreaterThan(3);
  });
});

describe('account deletion, cut off after every call', () => {
  const deletionOf = (built: Built) =>
    createAccountDeletion({
      users: built.users,
      sessions: sessionsTableAccess(built.db, built.name('sessions')),
      tokens: accountTokensTableAccess(built.db, built.name('account-tokens')),
      passkeys: passkeysTableAccess(built.db, built.name('passkeys')),
      identities: identitiesTableAccess(built.db, built.name('identities')),
      emails: built.emails,
      registrations: registrationsTableAccess(built.db, built.name('registrations')),
      clock: movableClock(),
      graceSeconds: 0,
    });

  it('the account whole, or unable to sign in; the next clean-up run finishes it, and then nothing of it is left but its paid registration without the person', async () => {
    const calls = await cutEverywhere({
      async setup(built) {
        const signed = await signedIn(built);
        const email = `${uniqueName('gone')}@example.com`;
        await built.admin.setEmail(signed.username, email, true);
        const passkeys = passkeysTableAccess(built.db, built.name('passkeys'));
        const credentialId = uniqueName('cred');
        await passkeys.putPasskey({
          credentialId,
          userId: signed.user.id,
          usernameKey: signed.username.toLowerCase(),
          publicKey: 'AQID',
          counter: 0,
          name: 'A laptop',
          createdAt: new Date().toISOString(),
        });
        const identityKeyOf = identityKey('test', uniqueName('sub'));
        await identitiesTableAccess(built.db, built.name('identities')).claim({
          key: identityKeyOf,
          id: randomBytes(12).toString('base64url'),
          provider: 'test',
          userId: signed.user.id,
          username: signed.username,
          linkedAt: new Date().toISOString(),
        });
        const viewer = { userId: signed.user.id, role: 'user' as const };
        const admin = { userId: 'admin-id', role: 'admin' as const };
        const input = { activity: 'Chess club', email: 'parent@example.com', studentName: 'Ada' };
        const unpaid = (await built.registrations.create(viewer, input)).registration;
        const paid = (await built.registrations.create(viewer, input)).registration;
        await built.registrations.pay(admin, paid.id);
        return { ...signed, email, credentialId, identityKey: identityKeyOf, unpaid, paid };
      },
      act: (built, s) => deletionOf(built).delete({ username: s.username, userId: s.user.id }),
      async state(built, s) {
        const user = await built.users.findUserByUsername(s.username);
        const session = await built.sessions.resolve(s.elsewhere.token);
        if (user) {
          // Whole: it signs in, its session lives, its address is its own.
          expect(session?.userId).toBe(s.user.id);
          expect(await verifies(built, s.username, PASSWORD)).toBe(true);
          return 'old';
        }
        // Ended: nobody signs in, no session counts.
        expect(session).toBeNull();
        expect(await verifies(built, s.username, PASSWORD)).toBe(false);
        if (await built.users.findDeleted(s.username)) return 'new';
        // The daily run has swept it and freed the name: nothing of it is left.
        const registrations = registrationsTableAccess(built.db, built.name('registrations'));
        expect(await registrations.findRegistration(s.unpaid.id)).toBeUndefined();
        const kept = await registrations.findRegistration(s.paid.id);
        expect(kept).toMatchObject({ paid: true, email: '' });
        expect(kept?.studentName).toBeUndefined();
        expect(
          await passkeysTableAccess(built.db, built.name('passkeys')).findPasskey(s.credentialId),
        ).toBeUndefined();
        expect(
          await identitiesTableAccess(built.db, built.name('identities')).find(s.identityKey),
        ).toBeUndefined();
        expect(await built.emails.ownerOf(s.email)).toBeUndefined();
        expect(
          await sessionsTableAccess(built.db, built.name('sessions')).listUserSessions(s.user.id),
        ).toEqual([]);
        return 'new';
      },
      // Before the one write, the request is made again; after it, the request's own retry would meet no
      // account (its session has ended). Either way the next daily run (no grace here) sweeps and frees it.
      async retry(built, s) {
        const deletion = deletionOf(built);
        if (await built.users.findUserByUsername(s.username))
          await deletion.delete({ username: s.username, userId: s.user.id });
        expect(await deletion.finishPending()).toMatchObject({ failed: 0 });
        expect(await built.users.findDeleted(s.username)).toBeUndefined();
      },
    });
    expect(calls).toBeGreaterThan(10);
  });
});
