import { randomUUID } from 'node:crypto';
import { backoffMs, mapWithConcurrency, sleep as realSleep } from '#shared/platform/concurrency';
import type { Registration, RegistrationsTable } from '#shared/data/registrations';
import type { SuppressionsTable } from '#shared/data/suppressions';
import { deleteInBatches } from '#shared/registrations/batch-delete';
import { reminderEmail } from '#shared/registrations/reminder-email';
import { deadlineStatus, dueBy } from '#shared/registrations/deadline-rules';
import type { Mailer } from '#shared/platform/mailer';

export interface DeadlineSummary {
  /** Unpaid registrations read from the deadline index. */
  checked: number;
  expired: number;
  deleted: number;
  reminded: number;
  /** Deletions and reminders that did not happen; they are tried again on the next run. */
  failed: number;
  /**
   * Reminders SES refused for their recipient (an address the SES sandbox has not verified, or one SES
   * suppresses): counted and logged, tried again on the next run, but not a failure of the job.
   */
  refused: number;
  /**
   * Reminders SES accepted whose sending could not be recorded, even after retries: counted in `failed` too
   * (the run ends failed, so the alarm and the DLQ see it), as such a reminder may be sent again once its
   * claim's lease ends.
   */
  unrecorded: number;
  /** Reminders not sent because SES reported their address bouncing or complaining (suppressed). */
  suppressed: number;
  /** A dry run: what would be deleted and reminded; nothing was changed, nothing sent. */
  dryRun?: { toDelete: number; toRemind: number };
}

export interface DeadlineJobDeps {
  table: RegistrationsTable;
  /** Addresses never to mail again (bounces and complaints). */
  suppressions: Pick<SuppressionsTable, 'suppressedAmong'>;
  mailer: Mailer;
  reminderWindowDays: number;
  sendConcurrency: number;
  /** The real time, whatever `now` the run is told to use. */
  realClock: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Stops starting new work when the invocation is about to time out. */
  outOfTime?: () => boolean;
  onReminderError?: (registration: Registration, error: unknown, step: 'claim' | 'send' | 'record') => void;
}

/**
 * How long an index entry may lag behind a payment. BatchWriteItem cannot be conditional, so it only deletes
 * registrations whose deadline passed longer ago than this: the payment route refuses payments after the
 * deadline, so those can no longer become paid, and the index has long caught up with any earlier payment.
 * More recent ones are deleted one by one with a condition that they are still unpaid.
 */
const INDEX_LAG_MARGIN_MS = 60_000;
/**
 * A reminder claim older than this belongs to a run that died mid-send, and may be taken over. It bounds
 * the one window left: SES accepted a reminder and the run died (or could not record it) before the
 * record; the next run after the lease sends it again. At most one extra mail, only then.
 */
const CLAIM_LEASE_MS = 15 * 60_000;
/** Recording a sent reminder is retried this many times (beyond the SDK's own retries) before giving up. */
const RECORD_ATTEMPTS = 4;
const PAGE_SIZE = 200;

/**
 * One run: reads the unpaid registrations that can be expired or late at `now` (never the whole table),
 * a page at a time so memory stays flat, deletes the expired ones and reminds the late ones once.
 */
export async function runDeadlineJob(
  deps: DeadlineJobDeps,
  now: Date,
  options: { dryRun?: boolean } = {},
): Promise<DeadlineSummary> {
  const summary: DeadlineSummary = {
    checked: 0,
    expired: 0,
    deleted: 0,
    reminded: 0,
    failed: 0,
    refused: 0,
    unrecorded: 0,
    suppressed: 0,
  };
  // This run's claims carry its token: a claim write retried after a lost answer is recognised as its own.
  const run = randomUUID();
  const dryRun = options.dryRun ? { toDelete: 0, toRemind: 0 } : undefined;
  for await (const page of deps.table.unpaidDueBy(dueBy(now, deps.reminderWindowDays), PAGE_SIZE)) {
    summary.checked += page.length;
    if (deps.outOfTime?.()) {
      summary.failed += page.length;
      continue;
    }
    const expired = page.filter((r) => deadlineStatus(r, now, deps.reminderWindowDays) === 'expired');
    const due = page.filter(
      (r) => deadlineStatus(r, now, deps.reminderWindowDays) === 'late' && !r.reminderSentAt,
    );
    // An address SES reported bouncing or complaining is never mailed again (it would hurt the sender's
    // reputation, and SES may suspend the account): counted, not sent, not failed.
    const suppressed = due.length
      ? await deps.suppressions.suppressedAmong(due.map((r) => r.email))
      : new Set();
    const late = due.filter((r) => !suppressed.has(r.email));
    summary.suppressed += due.length - late.length;
    summary.expired += expired.length;
    if (dryRun) {
      dryRun.toDelete += expired.length;
      dryRun.toRemind += late.length;
      continue;
    }
    const [deletion, reminders] = await Promise.all([
      deleteExpired(deps, expired),
      sendReminders(deps, late, now, run),
    ]);
    summary.deleted += deletion.deleted;
    summary.reminded += reminders.reminded;
    summary.failed += deletion.failed + reminders.failed + reminders.unrecorded;
    summary.refused += reminders.refused;
    summary.unrecorded += reminders.unrecorded;
  }
  return dryRun ? { ...summary, dryRun } : summary;
}

async function deleteExpired(deps: DeadlineJobDeps, expired: Registration[]) {
  const settledBefore = deps.realClock().getTime() - INDEX_LAG_MARGIN_MS;
  const settled = expired.filter((r) => Date.parse(r.paymentDeadline) <= settledBefore).map((r) => r.id);
  const recent = expired.filter((r) => Date.parse(r.paymentDeadline) > settledBefore);

  const batch = await deleteInBatches(settled, { table: deps.table, sleep: deps.sleep });
  const oneByOne = await mapWithConcurrency(recent, 8, (r) =>
    deps.table.deleteIfUnpaid(r.id).then(
      // false: paid meanwhile, so it stays, and nothing is left to do.
      (deleted) => (deleted ? ('deleted' as const) : ('kept' as const)),
      () => 'failed' as const,
    ),
  );
  return {
    deleted: batch.deleted + oneByOne.filter((outcome) => outcome === 'deleted').length,
    failed: batch.unprocessed.length + oneByOne.filter((outcome) => outcome === 'failed').length,
  };
}

/** Records a sent reminder, retried with back-off: false when it still could not be written. */
async function recordSent(deps: DeadlineJobDeps, registration: Registration): Promise<boolean> {
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 0; attempt < RECORD_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt, 100, 2000));
    try {
      await deps.table.markReminderSent(registration.id, deps.realClock());
      return true;
    } catch (error) {
      if (attempt === RECORD_ATTEMPTS - 1) deps.onReminderError?.(registration, error, 'record');
    }
  }
  return false;
}

async function sendReminders(deps: DeadlineJobDeps, late: Registration[], now: Date, run: string) {
  const outcomes = await mapWithConcurrency(late, deps.sendConcurrency, async (registration) => {
    if (deps.outOfTime?.()) return 'failed';
    const real = deps.realClock();
    try {
      // Claim first: of overlapping or repeated runs, only one may send, and only once.
      const claim = await deps.table.claimReminder(
        registration.id,
        run,
        real,
        new Date(real.getTime() - CLAIM_LEASE_MS),
      );
      if (claim === 'taken') return 'skipped';
    } catch (error) {
      deps.onReminderError?.(registration, error, 'claim');
      return 'failed';
    }
    try {
      await deps.mailer.send({ to: registration.email, ...reminderEmail(registration, now) });
    } catch (error) {
      deps.onReminderError?.(registration, error, 'send');
      await deps.table.releaseReminder(registration.id).catch(() => undefined);
      return isRecipientRefused(error) ? 'refused' : 'failed';
    }
    // Sent: record it. Should that fail even after retries, the claim still blocks resending until its
    // lease ends, and the run reports it.
    return (await recordSent(deps, registration)) ? 'reminded' : 'unrecorded';
  });
  const count = (outcome: string) => outcomes.filter((o) => o === outcome).length;
  return {
    reminded: count('reminded') + count('unrecorded'),
    failed: count('failed'),
    refused: count('refused'),
    unrecorded: count('unrecorded'),
  };
}

/** SES's answer for a recipient it will not mail (sandbox, suppression list): the address, not SES, failed. */
const isRecipientRefused = (error: unknown) => error instanceof Error && error.name === 'MessageRejected';
