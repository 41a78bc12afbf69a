import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTables } from '#infra/local/dynamodb';
import { type Registration, registrationsTableAccess } from '#shared/data/registrations';
import { registrationsTable } from '#shared/data/tables';
import { createRegistrations } from '#shared/registrations/registrations';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { CLAIM_LEASE_MS } from '#shared/registrations/reminder-sender';
import type { Mailer } from '#shared/platform/mailer';
import { deadlineQueuesWorld } from '../support/deadline-queues.ts';
import { injectFaults } from '../support/dynamodb-faults.ts';
import { domainWorld, movableClock, PASSWORD, uniqueName, sesWorld } from './world.ts';

const world = domainWorld();
const deadlineQueues = deadlineQueuesWorld();
const DAY = 24 * 3600 * 1000;
const ses = sesWorld();
const admin = { userId: 'admin', role: 'admin' as const };

/** An error as the SES client raises it. */
const sesError = (name: string) => Object.assign(new Error(`${name} (injected)`), { name });

/**
 * A world with `count` late registrations (a day before their deadline at `now`) and one paid, its queues
 * and its deadline flow; `mailer` wraps the SES emulator's (to inject SES's refusals and throttling).
 */
async function lateRegistrations(count: number, mailer: (real: Mailer) => Mailer = (real) => real) {
  const clock = movableClock(new Date('2045-01-01T00:00:00Z'));
  const built = await world(clock);
  // A table of its own, so each planner sees exactly its own registrations.
  const tableName = built.name(`registrations-${randomBytes(4).toString('hex')}`);
  await ensureTables(new DynamoDBClient({ endpoint: built.endpoint }), [registrationsTable], () => tableName);
  const table = registrationsTableAccess(built.db, tableName);
  const registrations = createRegistrations({ table, clock, paymentPeriodDays: 5 });
  const viewer = { userId: uniqueName('owner'), role: 'user' as const };
  const create = async () =>
    (await registrations.create(viewer, { activity: 'Late', email: `${uniqueName('p')}@example.com` }))
      .registration;
  const late: Registration[] = [];
  for (let i = 0; i < count; i++) late.push(await create());
  const paid = await create();
  await registrations.pay(admin, paid.id);
  const queues = await deadlineQueues();
  const flow = built.deadline(mailer(ses.mailer()), queues.planner, {
    table,
    planner: { sleep: async () => undefined },
    sender: { sleep: async () => undefined },
  });
  const now = new Date(clock().getTime() + 4 * DAY);
  const mailsEach = () => Promise.all(late.map((r) => ses.mailsTo(r.email)));
  const paidKept = async () => expect(await registrations.get(admin, paid.id)).toMatchObject({ paid: true });
  return { ...built, clock, late, queues, flow, now, mailsEach, paidKept };
}

describe('the deadline flow: the planner queues, the sender reminds', () => {
  it('reminds a registration inside the window once, deletes an expired unpaid one, keeps a paid one', async () => {
    const clock = movableClock();
    const { accounts, registrations, deadline } = await world(clock);
    const owner = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const viewer = { userId: owner.id, role: owner.role };
    const address = `${uniqueName('parent')}@example.com`;
    const expired = (await registrations.create(viewer, { activity: 'Old', email: 'old@example.com' }))
      .registration;
    const paid = (await registrations.create(viewer, { activity: 'Paid', email: 'paid@example.com' }))
      .registration;
    await registrations.pay(admin, paid.id);
    clock.advance(3 * DAY);
    const due = (await registrations.create(viewer, { activity: 'Due', email: address })).registration;

    const queues = await deadlineQueues();
    const flow = deadline(ses.mailer(), queues.planner);
    // Four days after `due` was made: one day before its deadline; `expired`'s passed two days ago.
    const now = new Date(clock().getTime() + 4 * DAY);
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({
      expired: 1,
      deleted: 1,
      queued: 1,
      failed: 0,
    });
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 1 });
    expect(await ses.mailsTo(address)).toBe(1);
    await expect(registrations.get(admin, expired.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect(await registrations.get(admin, paid.id)).toMatchObject({ paid: true });

    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 0, failed: 0 });
    expect(await ses.mailsTo(address)).toBe(1);
    expect(await registrations.get(admin, due.id)).toMatchObject({ reminderSentAt: expect.any(String) });
  });

  it('a planner out of time leaves its cursor, and the next invocation goes on from there, not from the start', async () => {
    const { queues, flow, now, mailsEach, paidKept } = await lateRegistrations(5);
    const leftCursors: unknown[] = [];
    // Out of time after the first page (pages of one here, so the cursor moves one registration at a time).
    let pages = 0;
    const planner = {
      ...flow.planner,
      outOfTime: () => pages++ >= 2,
      continueLater: async (continuation: Parameters<typeof flow.planner.continueLater>[0]) => {
        leftCursors.push(continuation);
        await flow.planner.continueLater(continuation);
      },
    };
    const first = await runDeadlineJob(planner, now, { pageSize: 1 });
    expect(first).toMatchObject({ continued: true, queued: 2 });
    expect(await queues.depth(queues.continuations.url)).toBe(1);
    const [continuation] = leftCursors as [{ now: string; cursor: Record<string, unknown> }];
    pages = -100;
    const rest = await runDeadlineJob(planner, new Date(continuation.now), {
      from: continuation.cursor,
      pageSize: 1,
    });
    // The rest, and only the rest: nothing read twice.
    expect(rest).toMatchObject({ continued: false, queued: 3, checked: 3 });
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 5 });
    expect(await mailsEach()).toEqual([1, 1, 1, 1, 1]);
    await paidKept();
  });
});

describe('one reminder per late registration, whatever fails', () => {
  it('two planner runs the same day queue each reminder twice; each is sent once', async () => {
    const { queues, flow, now, mailsEach, paidKept } = await lateRegistrations(3);
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 3 });
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 3 });
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 3, settled: 3 });
    expect(await mailsEach()).toEqual([1, 1, 1]);
    await paidKept();
  });

  it('a redelivered message (the sender finished, its answer was lost, the batch came back) sends nothing again', async () => {
    const { queues, flow, now, mailsEach, paidKept } = await lateRegistrations(4);
    await runDeadlineJob(flow.planner, now);
    const outcomes = await queues.drain(flow.sender, { maximumConcurrency: 2, loseAnswers: 1 });
    // Some were delivered twice; the second delivery found each recorded.
    expect(outcomes.reminded).toBe(4);
    expect(outcomes.settled).toBeGreaterThan(0);
    expect(await mailsEach()).toEqual([1, 1, 1, 1]);
    await paidKept();
  });

  it('SES throttling: the throttled reminders come back on the queue and go once, the others are not resent', async () => {
    let throttled = 0;
    const { queues, flow, now, mailsEach, paidKept } = await lateRegistrations(6, (real) => ({
      send: async (mail) => {
        if (throttled++ % 2 === 0 && throttled < 8) throw sesError('Throttling');
        await real.send(mail);
      },
    }));
    await runDeadlineJob(flow.planner, now);
    const outcomes = await queues.drain(flow.sender);
    expect(outcomes.retry).toBeGreaterThan(0);
    expect(outcomes.reminded).toBe(6);
    expect(await mailsEach()).toEqual([1, 1, 1, 1, 1, 1]);
    await paidKept();
  });

  it('DynamoDB throttling the claims past the SDK retries: those reminders come back and go once', async () => {
    const { db, queues, flow, now, mailsEach, paidKept } = await lateRegistrations(4);
    await runDeadlineJob(flow.planner, now);
    // The first two claims are throttled on every attempt the SDK makes.
    const throttled = new Set<number>();
    const faults = injectFaults(db, (call) => {
      if (String(call.input.UpdateExpression).startsWith('SET reminderClaimedAt') && throttled.size < 2)
        throttled.add(call.index);
      return throttled.has(call.index) ? 'throttle' : undefined;
    });
    const outcomes = await queues.drain(flow.sender);
    faults.remove();
    expect(outcomes.retry).toBe(2);
    expect(outcomes.reminded).toBe(4);
    expect(await mailsEach()).toEqual([1, 1, 1, 1]);
    await paidKept();
  });

  it('a sender cut off before its claims: the messages come back and each reminder goes once', async () => {
    const { db, queues, flow, now, mailsEach, paidKept } = await lateRegistrations(3);
    await runDeadlineJob(flow.planner, now);
    const cut = injectFaults(db, () => 'cut');
    expect(await queues.sendOnce(flow.sender)).toMatchObject({ reminded: 0, retry: 3 });
    cut.remove();
    expect(await mailsEach()).toEqual([0, 0, 0]);
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 3 });
    expect(await mailsEach()).toEqual([1, 1, 1]);
    await paidKept();
  });

  it('a sender that died after its claim: the reminder waits in the dead letters, and goes once after the lease and a redrive', async () => {
    const { clock, queues, flow, now, late, mailsEach, paidKept } = await lateRegistrations(1);
    await runDeadlineJob(flow.planner, now);
    const [registration] = late as [(typeof late)[number]];
    // What a sender that died between its claim and SES leaves behind: a live claim, nothing sent.
    await flow.sender.table.claimReminder(registration.id, 'dead-sender', clock(), new Date(0));
    const blocked = await queues.drain(flow.sender);
    expect(blocked).toMatchObject({ reminded: 0, retry: 5 });
    expect(await queues.depth(queues.reminders.deadLettersUrl)).toBe(1);
    clock.advance(CLAIM_LEASE_MS + 1);
    expect(await queues.redrive()).toBe(1);
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 1 });
    expect(await mailsEach()).toEqual([1]);
    await paidKept();
  });

  it('a reminder whose deadline passed while it waited in the queue is not sent, and the next plan deletes it', async () => {
    const { clock, queues, flow, now, mailsEach, paidKept } = await lateRegistrations(2);
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 2 });
    // The queue waited (SES was down, the rate too low): by the time a sender takes them, both expired.
    clock.advance(6 * DAY);
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 0, settled: 2 });
    expect(await mailsEach()).toEqual([0, 0]);
    expect(await runDeadlineJob(flow.planner, clock())).toMatchObject({ expired: 2, deleted: 2 });
    await paidKept();
  });

  it('a refused recipient: counted, not retried, and no other reminder of its batch is sent again', async () => {
    let refusedAddress = '';
    const { queues, flow, now, late, mailsEach, paidKept } = await lateRegistrations(4, (real) => ({
      send: async (mail) => {
        if (mail.to === refusedAddress) throw sesError('MessageRejected');
        await real.send(mail);
      },
    }));
    refusedAddress = late[1]?.email ?? '';
    await runDeadlineJob(flow.planner, now);
    expect(await queues.drain(flow.sender)).toMatchObject({
      reminded: 3,
      refused: 1,
      retry: 0,
      invocations: 1,
    });
    expect(await mailsEach()).toEqual([1, 0, 1, 1]);
    // Not recorded as sent: the next day's plan queues it again.
    expect(await runDeadlineJob(flow.planner, now)).toMatchObject({ queued: 1 });
    await paidKept();
  });
});
