import type { Context, ScheduledEvent } from 'aws-lambda';
import { settings } from '#shared/platform/config';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { deadlineJobDeps } from '#shared/compose/deadline';
import { recordEvent } from '#shared/platform/events';
import { logger, metrics } from '#shared/platform/logger';

const deps = deadlineJobDeps(settings());
// Leave time to log the summary before Lambda's own timeout.
const SAFETY_MS = 30_000;

/**
 * The daily payment-deadline job, invoked by EventBridge (and once per deploy). A manual invocation may
 * pass `{"now": "<ISO-8601>"}` to run as of another moment, for demos and tests.
 */
export async function handler(event: Partial<ScheduledEvent> & { now?: string }, context: Context) {
  logger.addContext(context);
  const now = event.now === undefined ? new Date() : new Date(event.now);
  if (Number.isNaN(now.getTime())) throw new Error('now must be an ISO-8601 date-time');
  const summary = await runDeadlineJob(
    { ...deps, outOfTime: () => context.getRemainingTimeInMillis() < SAFETY_MS },
    now,
  );
  logger.info('deadline job finished', { now: now.toISOString(), ...summary });
  recordEvent('expiredDeleted', {}, summary.deleted);
  recordEvent('reminderSent', {}, summary.reminded);
  recordEvent('deadlineFailures', {}, summary.failed);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  // Failing the invocation is what makes EventBridge retry and, after that, the dead-letter queue see it.
  if (summary.failed > 0) throw new Error(`deadline job left ${summary.failed} registrations unprocessed`);
  return summary;
}
