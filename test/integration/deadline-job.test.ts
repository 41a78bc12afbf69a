import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { registrationsTableAccess } from '#shared/data/registrations';
import { DAY_MS } from '#shared/registrations/deadline-rules';
import { db, tableName } from './emulator.ts';
import { registrationDue } from './deadline-fixtures.ts';
import { mailTo } from './mail.ts';
import { call, errorCode } from './http-client.ts';
import { operator, signInAdmin } from './operator.ts';

/**
 * The job as operators run it (`npm run deadline -- --now ...`) against the running local stack: the
 * stack's own table, the SES emulator, the job's real handler.
 */
const now = new Date();
const table = registrationsTableAccess(db, tableName('registrations'));
const seeded = {
  expired: registrationDue(now, -DAY_MS),
  expiredLongAgo: registrationDue(now, -3 * DAY_MS),
  expiredJustNow: registrationDue(now, 0),
  expiredButPaid: registrationDue(now, -DAY_MS, {
    paid: true,
    paidAt: new Date(now.getTime() - 2 * DAY_MS).toISOString(),
  }),
  late: registrationDue(now, DAY_MS),
  lateAtWindowEdge: registrationDue(now, 2 * DAY_MS),
  lateButPaid: registrationDue(now, DAY_MS, { paid: true, paidAt: now.toISOString() }),
  alreadyReminded: registrationDue(now, DAY_MS / 2, { reminderSentAt: now.toISOString() }),
  onTime: registrationDue(now, 2 * DAY_MS + 60_000),
};
const stored = async (id: string) =>
  (await db.send(new GetCommand({ TableName: tableName('registrations'), Key: { id } }))).Item;
const runJob = () => {
  const result = operator('deadline', ['--now', now.toISOString()]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.split('\n').find((line) => line.startsWith('{"checked"')) ?? '{}');
};

let firstRun: Record<string, number>;
beforeAll(async () => {
  for (const registration of Object.values(seeded)) await table.createRegistration(registration, 'seeded');
  firstRun = runJob();
});

describe('npm run deadline -- --dry-run', () => {
  it('says what would be deleted and reminded, and changes nothing', async () => {
    const due = registrationDue(now, -DAY_MS);
    await table.createRegistration(due, 'seeded');
    const later = new Date(now.getTime() + 60_000).toISOString();
    const result = operator('deadline', ['--now', later, '--dry-run']);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(
      result.stdout.split('\n').find((line) => line.startsWith('{"checked"')) ?? '{}',
    );
    expect(summary).toMatchObject({ deleted: 0, queued: 0, dryRun: { toDelete: expect.any(Number) } });
    expect(summary.dryRun.toDelete).toBeGreaterThanOrEqual(1);
    expect(await stored(due.id)).toMatchObject({ id: due.id });
    await table.deleteRegistration(due.id, undefined);
  });
});

describe('npm run deadline against the local stack', () => {
  it('summarizes the plan: every due unpaid registration checked, the expired deleted, the late queued', () => {
    // Due = unpaid with a deadline at most 2 days away: the 3 expired, the 2 late, and the one reminded already.
    expect(firstRun).toEqual({
      checked: 6,
      expired: 3,
      deleted: 3,
      queued: 2,
      failed: 0,
      suppressed: 0,
      continued: false,
    });
  });

  it('deletes unpaid registrations whose deadline has passed, including one that passed this very moment', async () => {
    for (const registration of [seeded.expired, seeded.expiredLongAgo, seeded.expiredJustNow]) {
      expect(await stored(registration.id)).toBeUndefined();
    }
  });

  it('never touches paid registrations: not deleted, not reminded', async () => {
    expect(await stored(seeded.expiredButPaid.id)).toMatchObject({ paid: true });
    expect(await stored(seeded.lateButPaid.id)).toMatchObject({ paid: true });
    expect(await mailTo([seeded.expiredButPaid.email, seeded.lateButPaid.email])).toEqual([]);
  });

  it('returns once the reminders it queued are sent: each late one reminded once, up to the window edge, and recorded', async () => {
    for (const registration of [seeded.late, seeded.lateAtWindowEdge]) {
      const mails = await mailTo([registration.email]);
      expect(mails).toHaveLength(1);
      expect((await stored(registration.id))?.reminderSentAt).toEqual(expect.any(String));
    }
  });

  it('leaves alone a registration already reminded and one outside the window', async () => {
    expect(await mailTo([seeded.alreadyReminded.email, seeded.onTime.email])).toEqual([]);
    expect(await stored(seeded.onTime.id)).toMatchObject({ paid: false });
  });

  it('writes the reminder from the sender, naming the activity, the time left and the deadline, HTML escaped', async () => {
    const [mail] = await mailTo([seeded.late.email]);
    expect(mail?.from).toBe('Pistus <no-reply@pistus.local>');
    expect(mail?.subject).toBe('Payment reminder: Pottery <for beginners>');
    expect(mail?.body.text).toContain('Hello Ada & Bob,');
    expect(mail?.body.text).toMatch(/You have (1 day|23 hours) left/);
    const deadline = new Date(seeded.late.paymentDeadline);
    expect(mail?.body.text).toContain(`${deadline.getUTCFullYear()} at`);
    expect(mail?.body.text).toMatch(/ UTC\./);
    expect(mail?.body.html).toContain('Pottery &#60;for beginners&#62;');
    expect(mail?.body.html).toContain('Ada &#38; Bob');
    expect(mail?.body.html).not.toContain('<for beginners>');
  });

  it('a second run sends nothing new and deletes nothing more', async () => {
    const second = runJob();
    expect(second).toEqual({
      checked: 3,
      expired: 0,
      deleted: 0,
      queued: 0,
      failed: 0,
      suppressed: 0,
      continued: false,
    });
    for (const registration of [seeded.late, seeded.lateAtWindowEdge]) {
      expect(await mailTo([registration.email])).toHaveLength(1);
    }
  });

  it('refuses a bad --now', () => {
    const result = operator('deadline', ['--now', 'yesterday']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--now/);
  });
});

describe('payments and the deadline', () => {
  it('refuses a payment once the deadline has passed (409), so the job can batch-delete expired registrations safely', async () => {
    const admin = await signInAdmin();
    const expired = registrationDue(new Date(), -1000);
    await table.createRegistration(expired, 'seeded');
    const response = await call('POST', `/registrations/${expired.id}/payment`, { token: admin.token });
    expect(response.status).toBe(409);
    expect(errorCode(response)).toBe('payment_deadline_passed');
    expect(await stored(expired.id)).toMatchObject({ paid: false });
  });
});
