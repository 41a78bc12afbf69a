import type { Context, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { settings } from '#shared/platform/config';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { deadlineJobDeps } from '#shared/compose/deadline';
import { continuationOf } from '#shared/queue/deadline-messages';
import { recordEvent } from '#shared/platform/events';
import { logger, metrics } from '#shared/platform/logger';

const config = settings();
const deps = deadlineJobDeps(config);
// Leave time to leave the cursor and log the summary before Lambda's own timeout.
const SAFETY_MS = 30_000;

type Invocation = Partial<ScheduledEvent> & Partial<SQSEvent> & { now?: string; dryRun?: boolean };

/**
 * The daily payment-deadline planner, invoked by EventBridge (and once per deploy), or by its continuations
 * queue when an earlier invocation ran out of time. On the local stage a manual invocation may pass
 * `{"now": "<ISO-8601>"}` to run as of another moment, for demos and tests. Any stage takes
 * `{"dryRun": true}`: what would be deleted and reminded, with nothing changed and nothing queued.
 */
export async function handler(event: Invocation, context: Context) {
  logger.addContext(context);
  const run = { ...deps, outOfTime: () => context.getRemainingTimeInMillis() < SAFETY_MS };
  const record = event.Records?.[0];
  if (record) {
    const continuation = continuationOf(record);
    if (!continuation) throw new Error(`continuation message ${record.messageId} does not parse`);
    return report(await runDeadlineJob(run, new Date(continuation.now), { from: continuation.cursor }));
  }
  // Only the local stage may run as of another moment (demos, tests): a deployed job runs as of now,
  // whatever its payload says, so no invocation can delete or mail ahead of time.
  if (event.now !== undefined && config.STAGE !== 'local')
    logger.warn('ignored a "now" in the payload outside local');
  const now = event.now === undefined || config.STAGE !== 'local' ? new Date() : new Date(event.now);
  if (Number.isNaN(now.getTime())) throw new Error('now must be an ISO-8601 date-time');
  return report(await runDeadlineJob(run, now, { dryRun: event.dryRun === true }));
}

function report(summary: Awaited<ReturnType<typeof runDeadlineJob>>) {
  logger.info('deadline plan finished', { ...summary });
  recordEvent('expiredDeleted', {}, summary.deleted);
  recordEvent('remindersQueued', {}, summary.queued);
  recordEvent('deadlineFailures', {}, summary.failed);
  recordEvent('remindersSuppressed', {}, summary.suppressed);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  // Failing the invocation is what makes EventBridge (or the queue) retry and, after that, the dead-letter
  // queue see it. A retried plan is harmless: deletes are idempotent, and the sender's claim lets a
  // reminder queued twice go once.
  if (summary.failed > 0) throw new Error(`deadline plan left ${summary.failed} registrations unprocessed`);
  return summary;
}
