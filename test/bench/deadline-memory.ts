/**
 * One deadline-job run in a process of its own, so its peak memory is the job's alone (the emulator runs
 * elsewhere). Prints `{"maxRssBytes": ..., "maxRetainedBytes": ..., "summary": {...}, "seconds": ...}`.
 * Usage: node [--expose-gc] test/bench/deadline-memory.ts <dynamodb endpoint> <table> <now ISO>
 * With --expose-gc it also samples what the job holds: the heap left after a full collection, every 250 ms
 * (the collections slow the job a little, so the timed runs go without).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTables } from '#infra/local/dynamodb';
import { registrationsTableAccess } from '#shared/data/registrations';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { suppressionsTable } from '#shared/data/tables';
import { runDeadlineJob } from '#shared/registrations/deadline-job';

const [endpoint, table, now] = process.argv.slice(2);
const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
// The job reads its suppression list for late registrations only; an empty one of its own all the same.
const suppressions = `${table}-suppressions`;
await ensureTables(client, [suppressionsTable], () => suppressions);
// Sampled, not getrusage's maxrss: on Linux that carries over the parent's high-water mark through fork and
// exec, and the parent here hosts the emulator with every seeded table.
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20);
// What the job holds, as opposed to what V8 has not yet collected: RSS under a heap limit still measures
// the collector's pace (Node 24 lets garbage reach most of a 256 MB limit before a full collection).
const gc = (globalThis as { gc?: () => void }).gc;
let maxRetained = 0;
const retained = () => {
  gc?.();
  maxRetained = Math.max(maxRetained, process.memoryUsage().heapUsed);
};
const collector = gc ? setInterval(retained, 250) : undefined;
const started = performance.now();
const summary = await runDeadlineJob(
  {
    table: registrationsTableAccess(DynamoDBDocumentClient.from(client), table ?? ''),
    suppressions: suppressionsTableAccess(DynamoDBDocumentClient.from(client), suppressions),
    // Every registration here is expired: nothing is late, so nothing is queued.
    enqueueReminders: async () => {
      throw new Error('no registration here is late');
    },
    continueLater: async () => {
      throw new Error('the run has all the time it needs');
    },
    reminderWindowDays: 2,
    realClock: () => new Date(),
  },
  new Date(now ?? Date.now()),
);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
clearInterval(collector);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
console.log(
  JSON.stringify({ maxRssBytes: peakRss, maxRetainedBytes: gc ? maxRetained : null, summary, seconds }),
);
