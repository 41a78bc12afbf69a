/** Runs `work` over `items` with at most `limit` at a time; results keep the items' order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces calls to at most `perSecond`: each caller is given the next free slot and waits for it. Unlike a
 * token bucket there is no burst, which is what SES's per-second sending rate asks for.
 */
export function createRateLimiter(
  perSecond: number,
  time: { now: () => number; sleep: (ms: number) => Promise<void> } = { now: Date.now, sleep },
) {
  const interval = 1000 / perSecond;
  let nextSlot = 0;
  return async function acquire(): Promise<void> {
    const now = time.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await time.sleep(slot - now);
  };
}

/** Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export const backoffMs = (attempt: number, baseMs = 50, capMs = 5000, random = Math.random): number =>
  Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
