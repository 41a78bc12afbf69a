import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface EventSourceMapping {
  /** Stops polling; resolves once every poller has handed in its last batch. */
  stop(): Promise<void>;
}

/**
 * Lambda's SQS event source mapping, on this machine: up to `maximumConcurrency` pollers, each receiving
 * up to `batchSize` messages (long polling), invoking its own function instance with them as Lambda's
 * SQSEvent, and deleting what the invocation did not name in `batchItemFailures`. A failed invocation, or
 * an answer naming a message that was not in the batch, deletes nothing: every message comes back after
 * the queue's visibility timeout, and after `maxReceiveCount` receives the queue moves it to its
 * dead-letter queue, as SQS does.
 */
export function startEventSourceMapping(options: {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maximumConcurrency: number;
  /** Invokes instance `instance` (0 … maximumConcurrency-1) of the function. */
  invoke(instance: number, event: SQSEvent): Promise<unknown>;
  onError?(error: unknown): void;
}): EventSourceMapping {
  let stopped = false;
  const poll = async (instance: number) => {
    while (!stopped) {
      try {
        const { Messages: messages = [] } = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (!messages.length) continue;
        const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options)) };
        const failed = await options.invoke(instance, event).then(
          (answer) => failedIds(answer, event),
          () => undefined,
        );
        // Undefined: the whole batch failed; it comes back after the visibility timeout.
        if (!failed) continue;
        const done = messages.filter((message) => !failed.has(String(message.MessageId)));
        if (done.length)
          await options.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
            }),
          );
      } catch (error) {
        if (!stopped) options.onError?.(error);
      }
    }
  };
  const pollers = Array.from({ length: options.maximumConcurrency }, (_, instance) => poll(instance));
  return {
    async stop() {
      stopped = true;
      await Promise.all(pollers);
    },
  };
}

/** The messages a partial batch response names; undefined when it names one the batch did not have. */
function failedIds(answer: unknown, event: SQSEvent): Set<string> | undefined {
  const failures = (answer as Partial<SQSBatchResponse> | null)?.batchItemFailures ?? [];
  const inBatch = new Set(event.Records.map((record) => record.messageId));
  const ids = new Set(failures.map((failure) => failure.itemIdentifier));
  return [...ids].every((id) => inBatch.has(id)) ? ids : undefined;
}

/** A received message as Lambda hands it to the function: one record of an SQSEvent. */
export function toRecord(message: Message, queue: { queueArn: string }): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: String(message.MessageId),
    receiptHandle: String(message.ReceiptHandle),
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.queueArn,
    awsRegion: 'us-east-1',
  };
}
