import { backoffMs, mapWithConcurrency, sleep as realSleep } from '#shared/platform/concurrency';
import type { RegistrationsTable } from '#shared/data/registrations';

export const BATCH_SIZE = 25; // BatchWriteItem's limit per request.

export interface BatchDeleteOptions {
  table: Pick<RegistrationsTable, 'deleteBatch'>;
  maxAttempts?: number;
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Deletes ids in BatchWriteItem chunks of 25. DynamoDB answers throttling inside a batch by handing items
 * back as UnprocessedItems rather than failing the call, so those are retried with exponential back-off;
 * whatever is still left after `maxAttempts` is returned, for the summary and the next run.
 */
export async function deleteInBatches(ids: readonly string[], options: BatchDeleteOptions) {
  const { table, maxAttempts = 8, concurrency = 4, sleep = realSleep } = options;
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) chunks.push(ids.slice(i, i + BATCH_SIZE));

  const leftovers = await mapWithConcurrency(chunks, concurrency, async (chunk) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0 && attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(backoffMs(attempt));
      try {
        pending = await table.deleteBatch(pending);
      } catch {
        // A whole-call failure after the SDK's own retries: keep the chunk pending and back off.
      }
    }
    return pending;
  });
  const unprocessed = leftovers.flat();
  return { deleted: ids.length - unprocessed.length, unprocessed };
}
