import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  type ReminderOutcome,
  type ReminderSenderDeps,
  sendReminders,
} from '#shared/registrations/reminder-sender';
import { batchFailures, reminderDeliveries } from '#shared/queue/deadline-messages';

/**
 * One batch of the reminders queue, sent: the partial batch response names the messages to try again
 * (unreadable ones too, so they end in the dead-letter queue for a person to look at), and `outcomes`
 * says what became of the others.
 */
export async function remindBatch(
  deps: ReminderSenderDeps,
  event: SQSEvent,
): Promise<{ response: SQSBatchResponse; outcomes: ReminderOutcome[]; unreadable: string[] }> {
  const { deliveries, unreadable } = reminderDeliveries(event);
  const outcomes = await sendReminders(deps, deliveries);
  const retried = deliveries.filter((_, i) => outcomes[i] === 'retry').map((d) => d.messageId);
  return { response: batchFailures([...unreadable, ...retried]), outcomes, unreadable };
}
