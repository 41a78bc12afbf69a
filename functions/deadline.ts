import type { Context, ScheduledEvent } from 'aws-lambda';
import { settings } from '#shared/platform/config';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { deadlineJobDeps } from '#shared/compose/deadline';
import { recordEvent } from '#shared/platform/events';
import { logger, metrics } from '#shared/platform/logger';

const config = settings();
const deps = deadlineJobDeps(config);
// Leave time to log the summary before Lambda's own timeout.
const SAFETY_MS = 30_000;

/**
 * The daily payment-deadline job, invoked by EventBridge (and once per deploy). On the local stage a manual
 * invocation may pass `{"now": "<ISO-8601>"}` to run as of another moment, for demos and tests. Any stage
 * takes `{"dryRun": true}`: what would be deleted and reminded, with nothing changed and nothing sent.
 */
export async function handler(
  event: Partial<ScheduledEvent> & { now?: string; dryRun?: boolean },
  context: Context,
) {
  logger.addContext(context);
  // Only the local stage may run as of another moment (demos, tests): a deployed job runs as of now,
  // whatever its payload says, so no invocation can delete or mail ahead of time.
  if (event.now !== undefined && config.STAGE !== 'local')
    logger.warn('ignored a "now" in the payload outside local');
  const now = event.now === undefined || config.STAGE !== 'local' ? new Date() : new Date(event.now);
  if (Number.isNaN(now.getTime())) throw new Error('now must be an ISO-8601 date-time');
  const summary = await runDeadlineJob(
    { ...deps, outOfTime: () => context.getRemainingTimeInMillis() < SAFETY_MS },
    now,
    { dryRun: event.dryRun === true },
  );
  logger.info('deadline job finished', { now: now.toISOString(), ...summary });
  recordEvent('expiredDeleted', {}, summary.deleted);
  recordEvent('reminderSent', {}, summary.reminded);
  recordEvent('deadlineFailures', {}, summary.failed);
  recordEvent('remindersRefused', {}, summary.refused);
  recordEvent('remindersSuppressed', {}, summary.suppressed);
  recordEvent('remindersUnrecorded', {}, summary.unrecorded);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  // Failing the invocation is what makes EventBridge retry and, after that, the dead-letter queue see it.
  if (summary.failed > 0) throw new Error(`deadline job left ${summary.failed} registrations unprocessed`);
  return summary;
}
