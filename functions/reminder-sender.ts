import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { settings } from '#shared/platform/config';
import type { ReminderOutcome } from '#shared/registrations/reminder-sender';
import { reminderSenderDeps } from '#shared/compose/reminders';
import { remindBatch } from '#shared/queue/reminder-batch';
import { recordEvent } from '#shared/platform/events';
import { logger, metrics } from '#shared/platform/logger';

const deps = reminderSenderDeps(settings());
// Stop starting mails this long before Lambda's timeout: what is left comes back on the queue.
const SAFETY_MS = 10_000;

/**
 * The reminder sender, fed by the reminders queue through an event source mapping: claims, sends and
 * records each reminder, and answers with the messages to try again (a partial batch response), so one
 * refused or throttled address never resends the others.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  const { response, outcomes, unreadable } = await remindBatch(
    { ...deps, outOfTime: () => context.getRemainingTimeInMillis() < SAFETY_MS },
    event,
  );
  if (unreadable.length) logger.error('reminder messages that do not parse', { messageIds: unreadable });
  report(outcomes);
  return response;
}

function report(outcomes: ReminderOutcome[]) {
  const count = (outcome: ReminderOutcome) => outcomes.filter((o) => o === outcome).length;
  const summary = {
    reminded: count('reminded'),
    settled: count('settled'),
    refused: count('refused'),
    unrecorded: count('unrecorded'),
    retried: count('retry'),
  };
  logger.info('reminders sent', summary);
  recordEvent('reminderSent', {}, summary.reminded + summary.unrecorded);
  recordEvent('remindersRefused', {}, summary.refused);
  recordEvent('remindersUnrecorded', {}, summary.unrecorded);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
