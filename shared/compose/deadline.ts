import { service } from '#shared/compose/needs';
import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { ConfigError, type Settings } from '#shared/platform/config';
import { registrationsTable, suppressionsTable } from '#shared/data/tables';
import { registrationsTableAccess } from '#shared/data/registrations';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { traced } from '#shared/aws/tracing';
import { createQueueSender, createSqsClient } from '#shared/aws/queue-sender';
import { deadlineContinuationsQueue, type QueueDeclaration, remindersQueue } from '#shared/aws/queues';
import { encodeMessage } from '#shared/queue/deadline-messages';
import type { DeadlineJobDeps } from '#shared/registrations/deadline-job';

/** The URL of a queue this function sends to; like a table's name, given only to the functions that use it. */
function queueUrl(config: Settings, queue: QueueDeclaration): string {
  const url = config[queue.envVar];
  if (!url)
    throw new ConfigError(
      `Invalid configuration: ${queue.envVar}: this function sends to the ${queue.name} queue but was not given its URL`,
    );
  return url;
}

/**
 * The planner's collaborators: the registrations (it deletes the expired and reads the late from the
 * unpaidByDeadline index), the suppressions (addresses SES reported bouncing are never queued), and the two
 * queues it feeds: the reminders, and its own cursor when it runs out of time.
 */
export const deadlineJobDeps = /* @__PURE__ */ service(
  {
    tables: [
      {
        table: registrationsTable,
        actions: ['Query', 'BatchWriteItem', 'DeleteItem'],
        indexes: ['unpaidByDeadline'],
      },
      { table: suppressionsTable, actions: ['BatchGetItem'] },
    ],
    sendsTo: [remindersQueue, deadlineContinuationsQueue],
  },
  (config): DeadlineJobDeps => {
    const db = documentClient(config);
    const remindersUrl = queueUrl(config, remindersQueue);
    // Both queues are in the stage's region: one client to their endpoint.
    const sqs = traced(createSqsClient(remindersUrl));
    const reminders = createQueueSender(sqs, remindersUrl);
    const continuations = createQueueSender(sqs, queueUrl(config, deadlineContinuationsQueue));
    return {
      table: registrationsTableAccess(db, tableName(config, registrationsTable)),
      suppressions: suppressionsTableAccess(db, tableName(config, suppressionsTable)),
      enqueueReminders: (requests) => reminders.sendAll(requests.map(encodeMessage)),
      async continueLater(continuation) {
        if ((await continuations.sendAll([encodeMessage(continuation)])) > 0)
          throw new Error('the planner could not leave its cursor on the continuations queue');
      },
      reminderWindowDays: config.REMINDER_WINDOW_DAYS,
      realClock: systemClock,
    };
  },
);
