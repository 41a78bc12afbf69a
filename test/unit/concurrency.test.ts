import { describe, expect, it } from 'vitest';
import { backoffMs, createRateLimiter, mapWithConcurrency } from '#shared/platform/concurrency';
import { deleteInBatches } from '#shared/registrations/batch-delete';

describe('mapWithConcurrency', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});

describe('rate limiter', () => {
  it('spaces calls to the configured rate, with no burst', async () => {
    let now = 0;
    const waits: number[] = [];
    const acquire = createRateLimiter(2, {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await Promise.all([acquire(), acquire(), acquire(), acquire()]);
    expect(waits).toEqual([500, 1000, 1500]);
    now = 5000;
    await acquire();
    expect(waits).toHaveLength(3);
  });
});

describe('backoff', () => {
  it('grows exponentially under a cap, with full jitter', () => {
    expect(backoffMs(1, 50, 5000, () => 0.999)).toBe(99);
    expect(backoffMs(3, 50, 5000, () => 0.5)).toBe(200);
    expect(backoffMs(20, 50, 5000, () => 0.999)).toBe(4995);
    expect(backoffMs(5, 50, 5000, () => 0)).toBe(0);
  });
});

describe('deleteInBatches', () => {
  /** A table that hands back the listed ids as unprocessed a given number of times. */
  function table(unprocessedTimes: Map<string, number>) {
    const calls: string[][] = [];
    return {
      calls,
      deleteBatch: async (ids: readonly string[]) => {
        calls.push([...ids]);
        return ids.filter((id) => {
          const left = unprocessedTimes.get(id) ?? 0;
          unprocessedTimes.set(id, left - 1);
          return left > 0;
        });
      },
    };
  }
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);
  const noWait = async () => undefined;

  it('sends at most 25 keys per request', async () => {
    const fake = table(new Map());
    expect(await deleteInBatches(ids(60), { table: fake, sleep: noWait })).toEqual({
      deleted: 60,
      unprocessed: [],
    });
    expect(fake.calls.map((call) => call.length).sort()).toEqual([10, 25, 25]);
  });

  it('retries only the unprocessed keys, with back-off between attempts', async () => {
    const fake = table(new Map([['id-3', 2]]));
    const sleeps: number[] = [];
    const result = await deleteInBatches(ids(5), { table: fake, sleep: async (ms) => void sleeps.push(ms) });
    expect(result).toEqual({ deleted: 5, unprocessed: [] });
    expect(fake.calls).toEqual([ids(5), ['id-3'], ['id-3']]);
    expect(sleeps).toHaveLength(2);
  });

  it('gives up after maxAttempts and reports what is left', async () => {
    const fake = table(new Map([['id-1', 99]]));
    const result = await deleteInBatches(ids(3), { table: fake, sleep: noWait, maxAttempts: 4 });
    expect(result).toEqual({ deleted: 2, unprocessed: ['id-1'] });
    expect(fake.calls).toHaveLength(4);
  });
});
