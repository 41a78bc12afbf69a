/**
 * `npm run bench:deadline [-- --unpaid 10000 --paid 100000]`: how fast the deadline job deletes expired
 * registrations on the embedded emulator, against raw BatchWriteItem deletes of the same number of items on
 * the same emulator, measured side by side in one process.
 *
 * Method: a fresh dynalite on a free port; a table from the stack's declaration, seeded with `paid` paid
 * registrations and `unpaid` unpaid ones whose deadline passed a day ago. Then (1) the job, timed from start
 * to summary, with no SES calls (nothing is late); (2) the table re-seeded with the same unpaid items, deleted
 * with raw BatchWriteItem requests of 25 keys at the job's concurrency (4). Each figure is items per second;
 * the ratio is (1) ÷ (2). Run on an idle machine; the figures are for this machine only.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTables, startDynalite } from '#infra/local/dynamodb';
import { mapWithConcurrency } from '#shared/concurrency';
import { registrationsTableAccess } from '#shared/data/registrations';
import { runDeadlineJob } from '#shared/deadline/job';
import { DAY_MS } from '#shared/deadline/rules';
import { registrationsTable } from '#shared/tables';

const { values } = parseArgs({
  options: { unpaid: { type: 'string', default: '10000' }, paid: { type: 'string', default: '20000' } },
});
const UNPAID = Number(values.unpaid);
const PAID = Number(values.paid);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const emulator = await startDynalite({ port: 0 });
const client = new DynamoDBClient({
  endpoint: emulator.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const db = DynamoDBDocumentClient.from(client);
const now = new Date();

async function writeAll(tableName: string, requests: Record<string, unknown>[]) {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  await mapWithConcurrency(chunks, 4, async (chunk) => {
    let pending = chunk;
    while (pending.length) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
}

const registration = (i: number, paid: boolean) => ({
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

async function seededTable(name: string) {
  await ensureTables(client, [registrationsTable], () => name);
  const unpaid = Array.from({ length: UNPAID }, (_, i) => registration(i, false));
  const paid = Array.from({ length: PAID }, (_, i) => registration(i, true));
  await writeAll(
    name,
    [...paid, ...unpaid].map((Item) => ({ PutRequest: { Item } })),
  );
  return unpaid;
}

await seededTable('job');
const jobStart = performance.now();
const summary = await runDeadlineJob(
  {
    table: registrationsTableAccess(db, 'job'),
    mailer: { send: async () => undefined },
    reminderWindowDays: 2,
    sendConcurrency: 4,
    realClock: () => new Date(),
  },
  now,
);
const jobSeconds = (performance.now() - jobStart) / 1000;

const unpaid = await seededTable('raw');
const rawStart = performance.now();
await writeAll(
  'raw',
  unpaid.map((item) => ({ DeleteRequest: { Key: { id: item.id } } })),
);
const rawSeconds = (performance.now() - rawStart) / 1000;

const jobRate = summary.deleted / jobSeconds;
const rawRate = UNPAID / rawSeconds;
console.log(
  JSON.stringify({
    unpaid: UNPAID,
    paid: PAID,
    summary,
    jobSeconds: +jobSeconds.toFixed(2),
    rawSeconds: +rawSeconds.toFixed(2),
  }),
);
console.log(
  `deadline job: ${Math.round(jobRate)} expired registrations deleted per second (${summary.checked} read)`,
);
console.log(`raw BatchWriteItem: ${Math.round(rawRate)} deletes per second`);
console.log(`ratio: ${(jobRate / rawRate).toFixed(2)}`);
await emulator.stop();
