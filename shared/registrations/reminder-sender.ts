import { backoffMs, mapWithConcurrency, sleep as realSleep } from '#shared/platform/concurrency';
import type { Registration, RegistrationsTable } from '#shared/data/registrations';
import type { ReminderRequest } from '#shared/registrations/deadline-job';
import { reminderEmail } from '#shared/registrations/reminder-email';
import type { Mailer } from '#shared/platform/mailer';

/**
 * What became of one reminder request. Done with it: `reminded`, `settled` (paid, deleted or reminded
 * already: nothing to send), `refused` (SES will not mail the address; the next plan queues it again),
 * `unrecorded` (sent, but the record could not be written: the claim holds it until its lease ends).
 * Not done: `retry` (another sender holds it, SES or DynamoDB failed, or time ran out): the message comes
 * back after its visibility timeout, and after a few receives it waits in the dead-letter queue.
 */
export type ReminderOutcome = 'reminded' | 'settled' | 'refused' | 'unrecorded' | 'retry';

export interface ReminderSenderDeps {
  table: Pick<RegistrationsTable, 'claimReminder' | 'markReminderSent' | 'releaseReminder'>;
  /** Paced at this sender's share of the account's SES rate. */
  mailer: Mailer;
  /** Mails in flight at once in one invocation; the mailer's pace is what bounds the rate. */
  sendConcurrency: number;
  realClock: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** True when the invocation is about to time out: what is not started then is left for a retry. */
  outOfTime?: () => boolean;
  onReminderError?: (registration: Registration | { id: string }, error: unknown, step: Step) => void;
}

type Step = 'claim' | 'send' | 'record';

/** One request as the sender receives it; `attempt` is unique to this delivery of this message. */
export interface ReminderDelivery {
  request: ReminderRequest;
  attempt: string;
}

/**
 * A claim older than this belongs to a sender that died mid-send, and may be taken over. It must exceed the
 * sender's time limit (60 s: infra/routes.ts; a test checks it) and not the queue's visibility timeout, so
 * that a redelivered message finds the dead sender's claim expired. It bounds the one window left: SES
 * accepted a reminder and the sender died (or could not record it) before the record; a message received
 * after the lease sends it again. At most one extra mail per such death, only then.
 */
export const CLAIM_LEASE_MS = 5 * 60_000;
/** Recording a sent reminder is retried this many times (beyond the SDK's own retries) before giving up. */
const RECORD_ATTEMPTS = 4;

/**
 * Sends a batch of reminders, each exactly once where it can be: claim first (one conditional write, which
 * also reads the registration), then SES, then the record. Redelivered messages, a second plan the same
 * day and overlapping senders all meet the claim or the record, and send nothing again.
 */
export async function sendReminders(
  deps: ReminderSenderDeps,
  deliveries: readonly ReminderDelivery[],
): Promise<ReminderOutcome[]> {
  return mapWithConcurrency(deliveries, deps.sendConcurrency, (delivery) => sendOne(deps, delivery));
}

async function sendOne(deps: ReminderSenderDeps, { request, attempt }: ReminderDelivery) {
  if (deps.outOfTime?.()) return 'retry';
  const real = deps.realClock();
  let registration: Registration;
  try {
    const claim = await deps.table.claimReminder(
      request.id,
      attempt,
      real,
      new Date(real.getTime() - CLAIM_LEASE_MS),
    );
    if (claim === 'settled') return 'settled';
    // Another sender is on it; should it die, this message comes back after the lease and takes over.
    if (claim === 'taken') return 'retry';
    registration = claim.claimed;
  } catch (error) {
    deps.onReminderError?.({ id: request.id }, error, 'claim');
    return 'retry';
  }
  // As of when it is sent (a message may wait hours at a low SES rate), or of the plan's moment when that is
  // later (a local run told another `now`). A deadline passed meanwhile is not reminded: the next plan
  // deletes the registration.
  const now = new Date(Math.max(Date.parse(request.now), real.getTime()));
  if (Date.parse(registration.paymentDeadline) <= now.getTime()) {
    await deps.table.releaseReminder(registration.id).catch(() => undefined);
    return 'settled';
  }
  try {
    await deps.mailer.send({ to: registration.email, ...reminderEmail(registration, now) });
  } catch (error) {
    deps.onReminderError?.(registration, error, 'send');
    await deps.table.releaseReminder(registration.id).catch(() => undefined);
    return isRecipientRefused(error) ? 'refused' : 'retry';
  }
  // Sent: record it. Should that fail even after retries, the claim still blocks resending until its
  // lease ends.
  return (await recordSent(deps, registration)) ? 'reminded' : 'unrecorded';
}

/** Records a sent reminder, retried with back-off: false when it still could not be written. */
async function recordSent(deps: ReminderSenderDeps, registration: Registration): Promise<boolean> {
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

/** SES's answer for a recipient it will not mail (sandbox, suppression list): the address, not SES, failed. */
const isRecipientRefused = (error: unknown) => error instanceof Error && error.name === 'MessageRejected';
