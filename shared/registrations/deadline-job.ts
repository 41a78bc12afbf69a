import type { IndexCursor, Registration, RegistrationsTable } from '#shared/data/registrations';
import type { SuppressionsTable } from '#shared/data/suppressions';
import { deleteInBatches } from '#shared/registrations/batch-delete';
import { deadlineStatus, dueBy } from '#shared/registrations/deadline-rules';
import { mapWithConcurrency } from '#shared/platform/concurrency';

export interface DeadlineSummary {
  /** Unpaid registrations read from the deadline index. */
  checked: number;
  expired: number;
  deleted: number;
  /** Reminders handed to the sender (one message each); the sender claims, sends and records them. */
  queued: number;
  /** Deletions and messages that did not happen; the run fails so that it is tried again. */
  failed: number;
  /** Reminders not queued because SES reported their address bouncing or complaining (suppressed). */
  suppressed: number;
  /** The run ran out of time and left its cursor for the next invocation, which goes on from there. */
  continued: boolean;
  /** A dry run: what would be deleted and reminded; nothing was changed, nothing sent. */
  dryRun?: { toDelete: number; toRemind: number };
}

/** What the sender is told for each reminder: which registration, as of which moment the plan ran. */
export interface ReminderRequest {
  id: string;
  /** ISO-8601: the plan's `now`, which the mail's wording counts the days from. */
  now: string;
}

/** Where a planner out of time stops, and what the next invocation needs to go on. */
export interface Continuation {
  now: string;
  cursor?: IndexCursor;
}

export interface DeadlineJobDeps {
  table: Pick<RegistrationsTable, 'unpaidDueBy' | 'deleteBatch' | 'deleteIfUnpaid'>;
  /** Addresses never to mail again (bounces and complaints). */
  suppressions: Pick<SuppressionsTable, 'suppressedAmong'>;
  /** Queues reminders; returns how many could not be queued. */
  enqueueReminders(requests: readonly ReminderRequest[]): Promise<number>;
  /** Leaves the cursor for the next invocation (a message on the continuations queue). */
  continueLater(continuation: Continuation): Promise<void>;
  reminderWindowDays: number;
  /** The real time, whatever `now` the run is told to use. */
  realClock: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Stops starting new pages when the invocation is about to time out. */
  outOfTime?: () => boolean;
}

/**
 * How long an index entry may lag behind a payment. BatchWriteItem cannot be conditional, so it only deletes
 * registrations whose deadline passed longer ago than this: the payment route refuses payments after the
 * deadline, so those can no longer become paid, and the index has long caught up with any earlier payment.
 * More recent ones are deleted one by one with a condition that they are still unpaid.
 */
const INDEX_LAG_MARGIN_MS = 60_000;
const PAGE_SIZE = 200;

/**
 * The daily plan: reads the unpaid registrations that can be expired or late at `now` (never the whole
 * table), a page at a time so memory stays flat, deletes the expired ones and queues one message per late,
 * unreminded one. Sending is the reminder sender's, at the account's SES rate, however many there are. Out
 * of time, it leaves its cursor and stops: the next invocation goes on from that page, not from the start.
 */
export async function runDeadlineJob(
  deps: DeadlineJobDeps,
  now: Date,
  options: { dryRun?: boolean; from?: IndexCursor; pageSize?: number } = {},
): Promise<DeadlineSummary> {
  const summary: DeadlineSummary = {
    checked: 0,
    expired: 0,
    deleted: 0,
    queued: 0,
    failed: 0,
    suppressed: 0,
    continued: false,
  };
  const dryRun = options.dryRun ? { toDelete: 0, toRemind: 0 } : undefined;
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const pages = deps.table.unpaidDueBy(dueBy(now, deps.reminderWindowDays), pageSize, options.from);
  for await (const { items: page, start } of pages) {
    if (!dryRun && deps.outOfTime?.()) {
      await deps.continueLater({ now: now.toISOString(), ...(start ? { cursor: start } : {}) });
      summary.continued = true;
      break;
    }
    summary.checked += page.length;
    const expired = page.filter((r) => deadlineStatus(r, now, deps.reminderWindowDays) === 'expired');
    const due = page.filter(
      (r) => deadlineStatus(r, now, deps.reminderWindowDays) === 'late' && !r.reminderSentAt,
    );
    // An address SES reported bouncing or complaining is never mailed again (it would hurt the sender's
    // reputation, and SES may suspend the account): counted, not queued, not failed.
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
    const [deletion, unqueued] = await Promise.all([
      deleteExpired(deps, expired),
      late.length ? deps.enqueueReminders(late.map((r) => ({ id: r.id, now: now.toISOString() }))) : 0,
    ]);
    summary.deleted += deletion.deleted;
    summary.queued += late.length - unqueued;
    summary.failed += deletion.failed + unqueued;
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
