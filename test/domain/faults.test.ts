import { describe, expect, it } from 'vitest';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { type Fault, type FaultCall, injectFaults, tablesOf } from '../support/dynamodb-faults.ts';
import { deadlineQueuesWorld } from '../support/deadline-queues.ts';
import { domainWorld, movableClock, PASSWORD, uniqueName, sesWorld } from './world.ts';

/**
 * What DynamoDB does on a bad day, injected into the real SDK client in front of the emulator: each of
 * these failed on the main before "Correct under failure".
 */
const world = domainWorld();
const DAY = 24 * 3600 * 1000;
const NEW_PASSWORD = 'a different horse entirely';

const ses = sesWorld();

/** A fault on the first attempt of the first `command` on `table` (a table name ending), and nothing else. */
function once(command: string, table: string, fault: Fault) {
  let done = false;
  return (call: FaultCall, attempt: number): Fault | undefined => {
    if (done || call.command !== command || !tablesOf(call).some((name) => name.endsWith(table))) return;
    if (fault === 'unprocessed' || fault === 'cut' ? attempt !== 0 : attempt !== 1) return;
    done = true;
    return fault;
  };
}

/** Every attempt of `command` on `table` meets `fault`. */
const always =
  (command: string, table: string, fault: Fault) =>
  (call: FaultCall): Fault | undefined =>
    call.command === command && tablesOf(call).some((name) => name.endsWith(table)) ? fault : undefined;

describe('writes that recognise their own success', () => {
  it('a signup whose answer was lost after the account was written is a success, not username_taken', async () => {
    const { db, accounts, logins } = await world(movableClock());
    const username = uniqueName();
    const faults = injectFaults(db, once('PutItemCommand', 'users', 'drop-answer'));
    const user = await accounts.signUp({ username, password: PASSWORD });
    faults.remove();
    expect(user.username).toBe(username);
    expect(await logins.attempt({ username, password: PASSWORD, ip: '10.0.0.1' })).toMatchObject({
      kind: 'ok',
    });
  });

  it('someone else taking the name is still username_taken', async () => {
    const { accounts } = await world(movableClock());
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    await expect(accounts.signUp({ username, password: PASSWORD })).rejects.toMatchObject({
      code: 'username_taken',
    });
  });

  it('a registration create whose answer was lost returns it, and stores it once', async () => {
    const { db, registrations } = await world(movableClock());
    const viewer = { userId: uniqueName('owner'), role: 'user' as const };
    const faults = injectFaults(db, once('PutItemCommand', 'registrations', 'drop-answer'));
    const { registration } = await registrations.create(viewer, { activity: 'Kiln', email: 'k@example.com' });
    faults.remove();
    const { items } = await registrations.list(viewer, {});
    expect(items.map((item) => item.id)).toEqual([registration.id]);
  });

  it('the same Idempotency-Key creates once and answers the same registration; another body is refused', async () => {
    const clock = movableClock();
    const { registrations } = await world(clock);
    const viewer = { userId: uniqueName('owner'), role: 'user' as const };
    const other = { userId: uniqueName('other'), role: 'user' as const };
    const input = { activity: 'Glaze', email: 'g@example.com' };
    const first = await registrations.create(viewer, input, { idempotencyKey: 'key-1' });
    clock.advance(60_000);
    const again = await registrations.create(viewer, input, { idempotencyKey: 'key-1' });
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ registration: first.registration, replayed: true });
    expect((await registrations.list(viewer, {})).items).toHaveLength(1);
    await expect(
      registrations.create(viewer, { ...input, activity: 'Throw' }, { idempotencyKey: 'key-1' }),
    ).rejects.toMatchObject({ kind: 'unprocessable', code: 'idempotency_key_reused' });
    // Keys are the caller's own: another user's identical key is another registration.
    const theirs = await registrations.create(other, input, { idempotencyKey: 'key-1' });
    expect(theirs.registration.id).not.toBe(first.registration.id);
  });
});

describe('a password change is whole or nothing', () => {
  async function signedInTwice() {
    const built = await world(movableClock());
    const username = uniqueName();
    const user = await built.accounts.signUp({ username, password: PASSWORD });
    const here = await built.sessions.start(user);
    const elsewhere = await built.sessions.start(user);
    return { ...built, username, here, elsewhere };
  }

  it('when ending the other sessions fails after the new hash is written, they are ended all the same', async () => {
    const { db, sessions, passwordChanges, here, elsewhere, logins, username } = await signedInTwice();
    const faults = injectFaults(db, always('QueryCommand', 'sessions', 'throttle'));
    const outcome = await passwordChanges.change({
      session: here.session,
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      ip: '10.0.0.2',
    });
    faults.remove();
    expect(outcome.kind).toBe('changed');
    expect(await sessions.resolve(elsewhere.token)).toBeNull();
    expect(await sessions.resolve(here.token)).not.toBeNull();
    expect(await logins.attempt({ username, password: NEW_PASSWORD, ip: '10.0.0.2' })).toMatchObject({
      kind: 'ok',
    });
  });

  it('a retry of a change whose answer was lost succeeds, instead of "currentPassword is incorrect"', async () => {
    const { db, sessions, passwordChanges, here, elsewhere } = await signedInTwice();
    const request = {
      session: here.session,
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      ip: '10.0.0.3',
    };
    const faults = injectFaults(db, once('UpdateItemCommand', 'users', 'drop-answer'));
    expect((await passwordChanges.change(request)).kind).toBe('changed');
    faults.remove();
    expect((await passwordChanges.change(request)).kind).toBe('changed');
    expect(await sessions.resolve(elsewhere.token)).toBeNull();
    expect(await sessions.resolve(here.token)).not.toBeNull();
  });

  it('a retry from another session, or with a password that is not the new one, is still refused', async () => {
    const { passwordChanges, here, elsewhere, sessions, accounts, username } = await signedInTwice();
    const request = { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, ip: '10.0.0.4' };
    await passwordChanges.change({ ...request, session: here.session });
    expect((await passwordChanges.change({ ...request, session: elsewhere.session })).kind).toBe('incorrect');
    const wrong = { ...request, newPassword: 'not what was set at all', session: here.session };
    expect((await passwordChanges.change(wrong)).kind).toBe('incorrect');
    expect(await accounts.checkCredentials({ username, password: NEW_PASSWORD })).not.toBeNull();
    expect(await sessions.resolve(here.token)).not.toBeNull();
  });

  it('"log out everywhere" ends every session in its one write, even when deleting the rows fails', async () => {
    const { db, sessions, credentialVersions, here, elsewhere } = await signedInTwice();
    const faults = injectFaults(db, always('DeleteItemCommand', 'sessions', 'server-error'));
    await credentialVersions.endEverywhere(here.session);
    faults.remove();
    expect(await sessions.resolve(here.token)).toBeNull();
    expect(await sessions.resolve(elsewhere.token)).toBeNull();
  });

  it('disabling an account ends its sessions at once, even when deleting the rows fails', async () => {
    const { db, sessions, admin, here, username } = await signedInTwice();
    const faults = injectFaults(db, always('QueryCommand', 'sessions', 'throttle'));
    await admin.disable(username);
    faults.remove();
    expect(await sessions.resolve(here.token)).toBeNull();
  });
});

describe('fail closed', () => {
  it('a session whose read a throttled table keeps handing back is an error (503), never "no session" or a session', async () => {
    const { db, accounts, sessions } = await world(movableClock());
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const { token } = await sessions.start(user);
    const faults = injectFaults(db, (call) =>
      call.command === 'BatchGetItemCommand' ? 'unprocessed' : undefined,
    );
    await expect(sessions.resolve(token)).rejects.toMatchObject({ name: 'UnprocessedKeysError' });
    faults.remove();
    // Handed back once, then read: the retry with back-off reads it.
    const flaky = injectFaults(db, once('BatchGetItemCommand', 'sessions', 'unprocessed'));
    expect(await sessions.resolve(token)).not.toBeNull();
    flaky.remove();
  });

  it('a locked account whose counters cannot be read checks no password: an error (503), not 200 or 401', async () => {
    const { db, accounts, logins } = await world(movableClock());
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    for (let i = 0; i < 5; i++)
      await logins.attempt({ username, password: 'wrong guess', ip: `10.1.0.${i}` });
    expect(await logins.attempt({ username, password: PASSWORD, ip: '10.1.1.1' })).toMatchObject({
      kind: 'throttled',
    });
    const faults = injectFaults(db, always('UpdateItemCommand', 'login-attempts', 'throttle'));
    const checked = [];
    for (const password of [PASSWORD, 'wrong guess'])
      checked.push(
        await logins.attempt({ username, password, ip: '10.1.1.2' }).catch((error: Error) => error.name),
      );
    faults.remove();
    expect(checked).toEqual([
      'ProvisionedThroughputExceededException',
      'ProvisionedThroughputExceededException',
    ]);
  });
});

describe('reminders exactly once where SES allows it', () => {
  const deadlineQueues = deadlineQueuesWorld();
  // Each test in a year of its own: registrations of the tests before it are long expired by then.
  let year = 2040;
  async function lateRegistration() {
    const clock = movableClock(new Date(`${year++}-01-01T00:00:00Z`));
    const built = await world(clock);
    const viewer = { userId: uniqueName('owner'), role: 'user' as const };
    const email = `${uniqueName('parent')}@example.com`;
    await built.registrations.create(viewer, { activity: 'Late', email });
    const queues = await deadlineQueues();
    const flow = built.deadline(ses.mailer(), queues.planner, {
      planner: { sleep: async () => undefined },
      sender: { sleep: async () => undefined },
    });
    // A day before the deadline: inside the reminder window.
    return { ...built, queues, flow, email, now: new Date(clock().getTime() + 4 * DAY), clock };
  }

  it('recording "sent" is retried: one mail, recorded, and the next plan queues nothing', async () => {
    const { db, queues, flow, email, now } = await lateRegistration();
    await runDeadlineJob(flow.planner, now);
    // Every attempt of the first record fails, past the SDK's own retries; the sender's retry then lands.
    let failures = 0;
    const faults = injectFaults(db, (call, attempt) =>
      String(call.input.UpdateExpression).startsWith('SET reminderSentAt') && attempt > 0 && failures++ < 3
        ? 'server-error'
        : undefined,
    );
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 1, unrecorded: 0 });
    faults.remove();
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 0, failed: 0 });
    expect(await ses.mailsTo(email)).toBe(1);
  });

  it("a record that still fails is counted, and no second mail goes before the claim's lease ends", async () => {
    const { db, queues, flow, email, now } = await lateRegistration();
    await runDeadlineJob(flow.planner, now);
    const faults = injectFaults(db, (call) =>
      String(call.input.UpdateExpression).startsWith('SET reminderSentAt') ? 'cut' : undefined,
    );
    expect(await queues.drain(flow.sender)).toMatchObject({ unrecorded: 1 });
    faults.remove();
    // Not recorded, so the next plan queues it again; the claim still holds, so it is not sent.
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 1 });
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 0, retry: 5 });
    expect(await ses.mailsTo(email)).toBe(1);
  });

  it("a claim whose answer was lost is recognised as the delivery's own: the reminder goes now", async () => {
    const { db, queues, flow, email, now } = await lateRegistration();
    await runDeadlineJob(flow.planner, now);
    const faults = injectFaults(db, (call, attempt) =>
      String(call.input.UpdateExpression).startsWith('SET reminderClaimedAt') && attempt === 1
        ? 'drop-answer'
        : undefined,
    );
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 1, retry: 0 });
    faults.remove();
    expect(await ses.mailsTo(email)).toBe(1);
  });
});
