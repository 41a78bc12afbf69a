import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startDynalite } from '#infra/local/dynamodb';
import { mapWithConcurrency } from '#shared/platform/concurrency';
import { registrationsTableAccess } from '#shared/data/registrations';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { DAY_MS } from '#shared/registrations/deadline-rules';
import {
  documentClient,
  dynamoClient,
  privateRegistrationsTable,
  privateSuppressions,
  registrationDue,
} from './deadline-fixtures.ts';

/**
 * Counts (does not time) what the job reads: with 10,000 unpaid registrations among 100,000 paid ones, it
 * reads only the unpaid ones that can be due, through the sparse index, and never scans.
 */
const PAID = 100_000;
const UNPAID_EXPIRED = 6_000;
const UNPAID_ON_TIME = 4_000;

describe('the deadline job at scale', () => {
  // 110,000 items on a dynalite of this file's own, so the stack's emulator stays as quick for the files
  // that run beside it. On another emulator (CI's DynamoDB Local run), its tables are used as they are.
  let own: RunningEmulator | undefined;
  let endpoint: string | undefined;
  beforeAll(async () => {
    if (process.env.DYNAMODB_ENDPOINT) return;
    own = await startDynalite({ port: 0 });
    endpoint = own.endpoint;
  });
  afterAll(() => own?.stop());

  it(
    'reads only the due unpaid registrations, whatever the number of paid ones',
    { timeout: 600_000 },
    async () => {
      const now = new Date();
      const tableName = await privateRegistrationsTable(endpoint);
      const seedClient = documentClient(dynamoClient(endpoint));
      const items = function* () {
        for (let i = 0; i < PAID; i++) {
          yield {
            ...registrationDue(now, (i % 10) * DAY_MS - 5 * DAY_MS, {
              paid: true,
              paidAt: now.toISOString(),
            }),
            entity: 'registration',
          };
        }
        for (let i = 0; i < UNPAID_EXPIRED; i++) {
          yield {
            ...registrationDue(now, -DAY_MS - (i % 100) * 60_000),
            entity: 'registration',
            unpaid: 'unpaid',
          };
        }
        for (let i = 0; i < UNPAID_ON_TIME; i++) {
          yield { ...registrationDue(now, 3 * DAY_MS + i * 1000), entity: 'registration', unpaid: 'unpaid' };
        }
      };
      // Seeded with raw batch writes in the stored shape, 25 at a time, as fast as the emulator takes them.
      const batches: object[][] = [];
      let batch: object[] = [];
      for (const item of items()) {
        batch.push(item);
        if (batch.length === 25) {
          batches.push(batch);
          batch = [];
        }
      }
      await mapWithConcurrency(batches, 8, async (chunk) => {
        let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length) {
          const result = await seedClient.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
          );
          pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
        }
      });

      // Every item DynamoDB reads for the job, counted from its own answers.
      const reads = { items: 0, scans: 0, commands: new Set<string>() };
      const counted = dynamoClient(endpoint);
      counted.middlewareStack.add(
        (next, context) => async (args) => {
          reads.commands.add(String(context.commandName));
          if (context.commandName === 'ScanCommand') reads.scans++;
          const result = await next(args);
          const output = result.output as { ScannedCount?: number; Item?: object };
          reads.items += output.ScannedCount ?? (output.Item ? 1 : 0);
          return result;
        },
        { step: 'initialize', name: 'countReads' },
      );
      const summary = await runDeadlineJob(
        {
          table: registrationsTableAccess(documentClient(counted), tableName),
          suppressions: await privateSuppressions(endpoint),
          enqueueReminders: async () => expect.fail('no registration here is late'),
          continueLater: async () => expect.fail('the run has all the time it needs'),
          reminderWindowDays: 2,
          realClock: () => new Date(),
        },
        now,
      );

      expect(summary).toEqual({
        checked: UNPAID_EXPIRED,
        expired: UNPAID_EXPIRED,
        deleted: UNPAID_EXPIRED,
        queued: 0,
        failed: 0,
        suppressed: 0,
        continued: false,
      });
      expect(reads.items).toBe(UNPAID_EXPIRED);
      expect(reads.scans).toBe(0);
      expect([...reads.commands].sort()).toEqual(['BatchWriteItemCommand', 'QueryCommand']);
      // What was left: every paid registration and every unpaid one still on time.
      const left = registrationsTableAccess(seedClient, tableName);
      let unpaidLeft = 0;
      for await (const page of left.unpaidDueBy(new Date(now.getTime() + 10 * DAY_MS)))
        unpaidLeft += page.items.length;
      expect(unpaidLeft).toBe(UNPAID_ON_TIME);
    },
  );
});
