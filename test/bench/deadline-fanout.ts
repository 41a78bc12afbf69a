/**
 * The deadline flow at scale, end to end on a local stack of its own (as `npm start` runs it): `count` late
 * registrations seeded into its table, then `npm run deadline` (the planner in its own runtime, queueing one
 * message each on fauxqs; the stack's event source mapping feeding `senders` sender instances, each paced at
 * its share of the emulated SES rate), which returns once the queue has drained. Counted from the SES
 * emulator: mails per address (so duplicates) and the time from the command's start to its end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStackState } from '#infra/local/state';
import { mapWithConcurrency } from '#shared/platform/concurrency';
import { DAY_MS } from '#shared/registrations/deadline-rules';
import { startLocalStackProcess } from '../support/local-stack.ts';

export interface FanOutRun {
  count: number;
  rate: number;
  senders: number;
  seconds: number;
  /** From the command's start to the planner's summary: every message queued (the sending has begun). */
  planSeconds: number;
  /** The floor: count ÷ rate. */
  idealSeconds: number;
  mails: number;
  duplicates: number;
  planned: { queued: number; checked: number };
}

export async function fanOutBench(count: number, rate: number, senders: number): Promise<FanOutRun> {
  const dir = mkdtempSync(join(tmpdir(), 'pistus-fanout-'));
  const stack = await startLocalStackProcess({
    LOG_LEVEL: 'ERROR',
    LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
    LOCAL_STATE_FILE: join(dir, 'stack.json'),
    SES_MAX_SEND_RATE: String(rate),
    REMINDER_SENDERS: String(senders),
  });
  try {
    const state = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8')) as LocalStackState;
    const table = state.sources.tables.registrations as string;
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.urls.dynamodb,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    // Late: registered four days ago, the deadline a day away, unpaid and unreminded.
    const now = Date.now();
    const items = Array.from({ length: count }, (_, i) => ({
      id: crypto.randomUUID(),
      ownerId: 'bench-owner',
      entity: 'registration',
      activity: 'Bench',
      email: `r${i}@bench.example`,
      registeredAt: new Date(now - 4 * DAY_MS).toISOString(),
      paymentDeadline: new Date(now + DAY_MS + i).toISOString(),
      paid: false,
      unpaid: 'unpaid',
    }));
    const chunks: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    await mapWithConcurrency(chunks, 4, async (chunk) => {
      let pending: unknown[] = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
        pending = result.UnprocessedItems?.[table] ?? [];
      }
    });

    const started = performance.now();
    let plannedAt = 0;
    const command = spawn(process.execPath, ['infra/cli/deadline.ts', '--wait', '3600'], {
      env: {
        ...process.env,
        LOCAL_STATE_FILE: join(dir, 'stack.json'),
        LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
      },
    });
    let stdout = '';
    command.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // The summary is printed when the planner returns; the command then waits for the queue to drain.
      if (!plannedAt && stdout.includes('}\n')) plannedAt = performance.now();
    });
    const code = await new Promise((resolve) => command.once('exit', resolve));
    if (code !== 0) throw new Error(`npm run deadline exited with ${String(code)}: ${stdout}`);
    const seconds = (performance.now() - started) / 1000;
    const planned = JSON.parse(stdout.split('\n').find((line: string) => line.startsWith('{')) ?? '{}');

    const { emails } = (await (await fetch(`${stack.urls.mail}/store`)).json()) as {
      emails: { destination: { to: string[] } }[];
    };
    const to = emails.flatMap((email) => email.destination.to).filter((a) => a.endsWith('@bench.example'));
    return {
      count,
      rate,
      senders,
      seconds,
      planSeconds: (plannedAt - started) / 1000,
      idealSeconds: count / rate,
      mails: to.length,
      duplicates: to.length - new Set(to).size,
      planned: { queued: planned.queued, checked: planned.checked },
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
