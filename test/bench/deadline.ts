/**
 * The deadline job's figures on the embedded emulator (dynalite), each job run in a process of its own:
 * items read per unpaid registration, expired registrations deleted per second against raw BatchWriteItem
 * deletes of as many items on the same emulator, and peak memory.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTables, startDynalite } from '#infra/local/dynamodb';
import { mapWithConcurrency } from '#shared/platform/concurrency';
import { DAY_MS } from '#shared/registrations/deadline-rules';
import { registrationsTable } from '#shared/data/tables';

const execFileAsync = promisify(execFile);

export interface DeadlineRun {
  unpaid: number;
  paid: number;
  itemsRead: number;
  deleted: number;
  jobSeconds: number;
  maxRssBytes: number;
  /** The most the job held (heap after a full collection), when the run sampled it. */
  maxRetainedBytes: number | null;
}

export async function deadlineBench() {
  const emulator = await startDynalite({ port: 0 });
  const client = new DynamoDBClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const db = DynamoDBDocumentClient.from(client);
  const now = new Date();
  let tables = 0;

  const writeAll = async (table: string, requests: Record<string, unknown>[]) => {
    const chunks: Record<string, unknown>[][] = [];
    for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
    await mapWithConcurrency(chunks, 4, async (chunk) => {
      let pending = chunk;
      while (pending.length) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (result.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
      }
    });
  };
  const item = (i: number, paid: boolean) => ({
    id: `${paid ? 'p' : 'u'}-${i}-${crypto.randomUUID()}`,
    ownerId: 'owner',
    entity: 'registration',
    activity: 'Bench',
    email: `s${i}@example.com`,
    registeredAt: new Date(now.getTime() - 6 * DAY_MS).toISOString(),
    paymentDeadline: new Date(now.getTime() - DAY_MS - i).toISOString(),
    paid,
    ...(paid ? {} : { unpaid: 'unpaid' }),
  });
  const seed = async (unpaid: number, paid: number) => {
    const table = `bench-${tables++}`;
    await ensureTables(client, [registrationsTable], () => table);
    const unpaidItems = Array.from({ length: unpaid }, (_, i) => item(i, false));
    await writeAll(
      table,
      [...Array.from({ length: paid }, (_, i) => item(i, true)), ...unpaidItems].map((Item) => ({
        PutRequest: { Item },
      })),
    );
    return { table, unpaidItems };
  };

  return {
    /** One job run over `unpaid` expired registrations among `paid` paid ones. */
    async run(unpaid: number, paid: number, options: { retained?: boolean } = {}): Promise<DeadlineRun> {
      const { table } = await seed(unpaid, paid);
      // Asynchronously: the emulator lives in this process, and must keep answering while the job runs.
      const { stdout } = await execFileAsync(
        process.execPath,
        // The heap limit of the deployed 512 MB function: without one, V8 on a 24 GB machine lets garbage pile
        // up before collecting, and peak RSS would measure its laziness, not what the job holds.
        [
          '--max-old-space-size=256',
          ...(options.retained ? ['--expose-gc'] : []),
          'test/bench/deadline-memory.ts',
          emulator.endpoint,
          table,
          now.toISOString(),
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      );
      const { maxRssBytes, maxRetainedBytes, summary, seconds } = JSON.parse(
        stdout.trim().split('\n').at(-1) ?? '{}',
      );
      return {
        unpaid,
        paid,
        itemsRead: summary.checked,
        deleted: summary.deleted,
        jobSeconds: seconds,
        maxRssBytes,
        maxRetainedBytes,
      };
    },
    /** Raw BatchWriteItem deletes per second of `count` items, 25 a request, 4 requests at a time (as the job). */
    async rawDeleteRate(count: number): Promise<number> {
      const { table, unpaidItems } = await seed(count, 0);
      const started = performance.now();
      await writeAll(
        table,
        unpaidItems.map((i) => ({ DeleteRequest: { Key: { id: i.id } } })),
      );
      return count / ((performance.now() - started) / 1000);
    },
    stop: () => emulator.stop(),
  };
}
