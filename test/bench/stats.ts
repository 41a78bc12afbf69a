/** Order statistics for benchmark samples. */
export const percentile = (samples: readonly number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
export const median = (samples: readonly number[]) => percentile(samples, 50);

/** Runs `work` `count` times one after another and returns each duration in milliseconds. */
export async function timeEach(count: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await work(i);
    durations.push(performance.now() - started);
  }
  return durations;
}
