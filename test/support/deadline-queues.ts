import { randomBytes } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll } from 'vitest';
import { moveMessages, queueDepth, waitUntilDrained } from '#infra/cli/queue-operations';
import { startEventSourceMapping, toRecord } from '#infra/local/event-source-mapping';
import { ensureQueues, type LocalQueue, localSqsClient, startSqsEmulator } from '#infra/local/sqs';
import { createQueueSender } from '#shared/aws/queue-sender';
import { deadlineContinuationsQueue, queues, remindersQueue } from '#shared/aws/queues';
import { encodeMessage } from '#shared/queue/deadline-messages';
import { remindBatch } from '#shared/queue/reminder-batch';
import type { DeadlineJobDeps } from '#shared/registrations/deadline-job';
import type { ReminderOutcome, ReminderSenderDeps } from '#shared/registrations/reminder-sender';

/** How soon a message a sender failed comes back, in these tests (on AWS: six times the sender's timeout). */
const VISIBILITY_SECONDS = 1;

export type Outcomes = Record<ReminderOutcome | 'invocations', number>;

/**
 * The deadline flow's queues in the SQS emulator (fauxqs), started for the test file: each `queues()` call
 * makes a fresh pair with their dead-letter queues and redrive policies, as the stack does. The sender
 * runs in this process on them, through the same event source mapping `npm start` uses, or one receive
 * pass at a time (a sender that is then cut off).
 */
export function deadlineQueuesWorld() {
  let stop: (() => Promise<void>) | undefined;
  let client: SQSClient | undefined;
  beforeAll(async () => {
    const sqs = await startSqsEmulator(0);
    stop = sqs.stop;
    client = localSqsClient(sqs.endpoint);
    endpoint = sqs.endpoint;
  });
  let endpoint = '';
  afterAll(async () => {
    client?.destroy();
    await stop?.();
  });

  return async function deadlineQueues(options: { maxReceiveCount?: number } = {}) {
    const sqs = client as SQSClient;
    const prefix = `q-${randomBytes(4).toString('hex')}-`;
    const made = await ensureQueues(
      endpoint,
      queues.map((queue) => ({
        ...queue,
        maxReceiveCount: options.maxReceiveCount ?? queue.maxReceiveCount,
      })),
      { queueName: (queue) => `${prefix}${queue.name}`, visibilityTimeoutSeconds: () => VISIBILITY_SECONDS },
    );
    const reminders = made[remindersQueue.name] as LocalQueue;
    const continuations = made[deadlineContinuationsQueue.name] as LocalQueue;
    const queueArn = reminders.arn;
    const remindersSender = createQueueSender(sqs, reminders.url);
    const continuationsSender = createQueueSender(sqs, continuations.url);
    const tally = (): Outcomes => ({
      reminded: 0,
      settled: 0,
      refused: 0,
      unrecorded: 0,
      retry: 0,
      invocations: 0,
    });
    let answersToLose = 0;
    const invokeSender = async (deps: ReminderSenderDeps, event: SQSEvent, outcomes: Outcomes) => {
      outcomes.invocations++;
      const result = await remindBatch(deps, event);
      for (const outcome of result.outcomes) outcomes[outcome]++;
      // The work is done; the mapping never hears of it, deletes nothing, and every message comes back.
      if (answersToLose > 0) {
        answersToLose--;
        throw new Error('the invocation ended without an answer (injected)');
      }
      return result.response;
    };
    return {
      reminders,
      continuations,
      /** The planner's queue ports, on these queues. */
      planner: {
        enqueueReminders: (requests) => remindersSender.sendAll(requests.map(encodeMessage)),
        async continueLater(continuation) {
          await continuationsSender.sendAll([encodeMessage(continuation)]);
        },
      } satisfies Pick<DeadlineJobDeps, 'enqueueReminders' | 'continueLater'>,
      /**
       * Lambda's event source mapping feeding the sender until the queue is empty (redeliveries and the
       * dead-letter redrive included); what became of each delivery.
       */
      async drain(
        deps: ReminderSenderDeps,
        options: { batchSize?: number; maximumConcurrency?: number; loseAnswers?: number } = {},
      ) {
        const outcomes = tally();
        answersToLose = options.loseAnswers ?? 0;
        const running = startEventSourceMapping({
          client: sqs,
          queueUrl: reminders.url,
          queueArn,
          batchSize: options.batchSize ?? 10,
          maximumConcurrency: options.maximumConcurrency ?? 2,
          invoke: (_instance, event) => invokeSender(deps, event, outcomes),
        });
        const left = await waitUntilDrained(sqs, [reminders.url], 60_000);
        await running.stop();
        if (left) throw new Error(`${left} reminders still queued after 60 s`);
        return outcomes;
      },
      /**
       * One sender invocation per batch over what is visible now, each message at most once: a sender
       * that may then be cut off. What it failed stays in the queue for `drain`.
       */
      async sendOnce(deps: ReminderSenderDeps) {
        const outcomes = tally();
        const seen = new Set<string>();
        for (;;) {
          const { Messages: messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: reminders.url,
              MaxNumberOfMessages: 10,
              MessageSystemAttributeNames: ['All'],
            }),
          );
          const fresh = messages.filter((m) => !seen.has(String(m.MessageId)));
          // Back already (this pass took longer than the visibility timeout): give it back untouched.
          for (const again of messages.filter((m) => seen.has(String(m.MessageId))))
            await sqs.send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: reminders.url,
                ReceiptHandle: again.ReceiptHandle,
                VisibilityTimeout: 0,
              }),
            );
          if (!fresh.length) return outcomes;
          for (const m of fresh) seen.add(String(m.MessageId));
          const event: SQSEvent = { Records: fresh.map((m) => toRecord(m, { queueArn })) };
          const response = await invokeSender(deps, event, outcomes);
          const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
          const done = fresh.filter((m) => !failed.has(String(m.MessageId)));
          if (done.length)
            await sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: reminders.url,
                Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
              }),
            );
        }
      },
      /** Messages waiting in a queue (the reminders', by default). */
      depth: async (url = reminders.url) => (await queueDepth(sqs, url)).waiting,
      /** `npm run deadline -- redrive`, locally: the dead letters back on the reminders queue. */
      redrive: () => moveMessages(sqs, reminders.deadLettersUrl, reminders.url),
    };
  };
}
