import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Continuation, ReminderRequest } from '#shared/registrations/deadline-job';
import type { ReminderDelivery } from '#shared/registrations/reminder-sender';

/**
 * The deadline flow's SQS messages, as the planner writes them and the consumers read them back: a body
 * that does not parse is never acted on (it fails, and after a few receives waits in the dead-letter queue
 * for a person to look at it).
 */
const isoDateTime = z.iso.datetime({ offset: true });
const reminderMessage = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  now: isoDateTime,
});
const continuationMessage = z.object({
  now: isoDateTime,
  cursor: z.optional(z.record(z.string(), z.unknown())),
});

export const encodeMessage = (message: ReminderRequest | Continuation): string => JSON.stringify(message);

const parse = <T>(schema: z.ZodMiniType<T>, record: SQSRecord): T | undefined => {
  try {
    const parsed = schema.safeParse(JSON.parse(record.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
export const continuationOf = (record: SQSRecord): Continuation | undefined =>
  parse(continuationMessage, record);

/**
 * The reminder requests of a batch, each with its attempt: the same on a retried write inside one
 * invocation, another on every redelivery, so a redelivered message does not mistake a dead sender's claim
 * for its own. `unreadable` names the messages whose body does not parse.
 */
export function reminderDeliveries(event: SQSEvent) {
  const deliveries: (ReminderDelivery & { messageId: string })[] = [];
  const unreadable: string[] = [];
  for (const record of event.Records) {
    const request = parse(reminderMessage, record);
    if (request)
      deliveries.push({
        request,
        attempt: `${record.messageId}:${record.attributes.ApproximateReceiveCount}`,
        messageId: record.messageId,
      });
    else unreadable.push(record.messageId);
  }
  return { deliveries, unreadable };
}

/** The partial-batch answer: only the messages named come back; the others are deleted from the queue. */
export const batchFailures = (messageIds: readonly string[]): SQSBatchResponse => ({
  batchItemFailures: messageIds.map((itemIdentifier) => ({ itemIdentifier })),
});
