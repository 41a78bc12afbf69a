import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { backoffMs, mapWithConcurrency, sleep as realSleep } from '#shared/platform/concurrency';

/** SendMessageBatch takes at most ten entries. */
const BATCH = 10;
/** Entries SQS failed in a batch (throttling, an internal error) are sent again this many times. */
const ATTEMPTS = 4;

export interface QueueSender {
  /** Sends every body; returns how many could not be sent, even after retries. */
  sendAll(bodies: readonly string[]): Promise<number>;
}

/**
 * A client to the SQS endpoint a queue URL names: SQS's regional endpoint on AWS, the emulator's address
 * locally. Said explicitly, so the SDK does not warn that the URL differs from the endpoint it resolved.
 */
export function createSqsClient(queueUrl: string): SQSClient {
  return new SQSClient({ maxAttempts: 6, endpoint: new URL(queueUrl).origin });
}

/**
 * Sends to one queue ten messages a request, a few requests at once. SendMessageBatch can succeed for some
 * entries and fail for others: those are sent again with back-off, and what still fails is counted.
 */
export function createQueueSender(
  client: SQSClient,
  queueUrl: string,
  options: { concurrency?: number; sleep?: (ms: number) => Promise<void> } = {},
): QueueSender {
  const sleep = options.sleep ?? realSleep;
  const sendBatch = async (bodies: string[]): Promise<number> => {
    let pending = bodies.map((body, index) => ({ Id: String(index), MessageBody: body }));
    for (let attempt = 0; attempt < ATTEMPTS && pending.length; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt, 100, 2000));
      try {
        const result = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
        );
        const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      } catch {
        // The whole request failed (after the SDK's own retries): every entry is tried again.
      }
    }
    return pending.length;
  };
  return {
    async sendAll(bodies) {
      const batches: string[][] = [];
      for (let i = 0; i < bodies.length; i += BATCH) batches.push(bodies.slice(i, i + BATCH));
      const failed = await mapWithConcurrency(batches, options.concurrency ?? 8, sendBatch);
      return failed.reduce((sum, n) => sum + n, 0);
    },
  };
}
