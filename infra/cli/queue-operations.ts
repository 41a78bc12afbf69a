import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';

/** Messages a queue holds: waiting, and received but not yet deleted (in flight). */
export async function queueDepth(client: SQSClient, queueUrl: string) {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/**
 * Waits until none of the queues holds a message (their consumers have drained them), or `timeoutMs`
 * passed; answers what is left then.
 */
export async function waitUntilDrained(
  client: SQSClient,
  queueUrls: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const depths = await Promise.all(queueUrls.map((url) => queueDepth(client, url)));
    const left = depths.reduce((sum, depth) => sum + depth.waiting + depth.inFlight, 0);
    if (left === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Moves every message of a dead-letter queue back to its source queue, as SQS's own redrive does: receive,
 * send to the source, then delete from the dead letters (a message is never in neither queue; a crash
 * between the two leaves it in both, which the consumer's claim makes harmless). For the SQS emulator,
 * which has no StartMessageMoveTask; a deployed stage uses SQS's own (`startRedrive`).
 */
export async function moveMessages(client: SQSClient, from: string, to: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages: messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (!messages.length) return moved;
    const entries = messages.map((message, i) => ({ Id: String(i), message }));
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: to,
        Entries: entries.map(({ Id, message }) => ({ Id, MessageBody: message.Body ?? '' })),
      }),
    );
    const failed = new Set((sent.Failed ?? []).map((entry) => entry.Id));
    const done = entries.filter(({ Id }) => !failed.has(Id));
    if (done.length)
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: from,
          Entries: done.map(({ Id, message }) => ({ Id, ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    moved += done.length;
    if (failed.size) throw new Error(`SQS refused ${failed.size} messages; ${moved} moved so far`);
  }
}

/** SQS's own redrive of a dead-letter queue to the queue its messages came from (a deployed stage). */
export async function startRedrive(client: SQSClient, deadLettersArn: string): Promise<string> {
  const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: deadLettersArn }));
  return String(TaskHandle);
}
