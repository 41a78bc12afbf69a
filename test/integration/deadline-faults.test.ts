import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { registrationsTableAccess } from '#shared/data/registrations';
import { type DeadlineJobDeps, runDeadlineJob } from '#shared/registrations/deadline-job';
import type { ReminderSenderDeps } from '#shared/registrations/reminder-sender';
import { deadlineQueuesWorld } from '../support/deadline-queues.ts';
import { DAY_MS } from '#shared/registrations/deadline-rules';
import { createSesMailer } from '#shared/aws/mailer';
import {
  credentials,
  documentClient,
  dynamoClient,
  privateRegistrationsTable,
  privateSuppressions,
  privateSuppressionsTable,
  region,
  registrationDue,
} from './deadline-fixtures.ts';
import { mailTo } from './mail.ts';

/**
 * The deadline flow (planner → SQS → sender) against the real emulators (the stack's DynamoDB, the SES
 * emulator, fauxqs), with faults injected into the real AWS SDK clients through their middleware stacks:
 * SES refusing some recipients or throttling, DynamoDB throttling queries and leaving batch items
 * unprocessed. Whatever happens, nothing may be lost: what fails is retried, by the queue or the next plan.
 */
const deadlineQueues = deadlineQueuesWorld();
interface Faults {
  /** Recipients SES refuses outright. */
  rejectTo: Set<string>;
  /** Recipients SES throttles on the first attempt only. */
  throttleOnceTo: Set<string>;
  /** BatchWriteItem calls that hand every item back unprocessed. */
  unprocessedBatches: number;
  /** Query calls that fail with a throughput error (the SDK retries them). */
  throttledQueries: number;
}

const noFaults = (): Faults => ({
  rejectTo: new Set(),
  throttleOnceTo: new Set(),
  unprocessedBatches: 0,
  throttledQueries: 0,
});

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });

function faultyDynamo(faults: Faults) {
  const client = dynamoClient();
  // initialize: before the request is built, so a short-circuited batch never reaches the emulator.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { RequestItems?: unknown };
      if (context.commandName === 'BatchWriteItemCommand' && faults.unprocessedBatches > 0) {
        faults.unprocessedBatches--;
        return { output: { UnprocessedItems: input.RequestItems, $metadata: {} }, response: {} } as never;
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectUnprocessedItems' },
  );
  // deserialize: inside the SDK's retry loop, so an injected throttle is retried like a real one.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand' && faults.throttledQueries > 0) {
        faults.throttledQueries--;
        throw awsError('ProvisionedThroughputExceededException', 400);
      }
      return next(args);
    },
    { step: 'deserialize', name: 'injectQueryThrottling' },
  );
  return documentClient(client);
}

function faultySes(faults: Faults) {
  const client = new SESClient({ endpoint: inject('sesEndpoint'), region, credentials, maxAttempts: 4 });
  client.middlewareStack.add(
    (next) => async (args) => {
      const to = (args.input as { Destination: { ToAddresses: string[] } }).Destination.ToAddresses[0] ?? '';
      if (faults.rejectTo.has(to)) throw awsError('MessageRejected', 400);
      if (faults.throttleOnceTo.delete(to)) throw awsError('Throttling', 400);
      return next(args);
    },
    { step: 'deserialize', name: 'injectSesFaults' },
  );
  return client;
}

async function jobWith(faults: Faults) {
  const tableName = await privateRegistrationsTable();
  const suppressions = await privateSuppressions();
  const queues = await deadlineQueues();
  const table = () => registrationsTableAccess(faultyDynamo(faults), tableName);
  const planner = (): DeadlineJobDeps => ({
    table: table(),
    suppressions,
    ...queues.planner,
    reminderWindowDays: 2,
    realClock: () => new Date(),
    // Back-off without waiting: the retries happen, the test does not sleep through them.
    sleep: async () => undefined,
  });
  const sender: ReminderSenderDeps = {
    table: table(),
    mailer: createSesMailer({
      client: faultySes(faults),
      sender: 'Pistus <no-reply@pistus.local>',
      maxPerSecond: 200,
    }),
    sendConcurrency: 4,
    realClock: () => new Date(),
    sleep: async () => undefined,
  };
  const seedTable = registrationsTableAccess(faultyDynamo(noFaults()), tableName);
  return { planner, sender, queues, seedTable };
}

const now = new Date();
const planned = (summary: Partial<Awaited<ReturnType<typeof runDeadlineJob>>>) => ({
  checked: 0,
  expired: 0,
  deleted: 0,
  queued: 0,
  failed: 0,
  suppressed: 0,
  continued: false,
  ...summary,
});

describe('the deadline flow under faults', () => {
  it('retries throttled batches and queries, and a recipient SES throttles once: all done in one day', async () => {
    const faults = noFaults();
    const { planner, sender, queues, seedTable } = await jobWith(faults);
    const expired = Array.from({ length: 60 }, () => registrationDue(now, -DAY_MS));
    const late = Array.from({ length: 3 }, () => registrationDue(now, DAY_MS));
    for (const registration of [...expired, ...late])
      await seedTable.createRegistration(registration, 'seeded');
    Object.assign(faults, { unprocessedBatches: 4, throttledQueries: 1 });
    faults.throttleOnceTo.add(late[0]?.email ?? '');

    expect(await runDeadlineJob(planner(), now)).toEqual(
      planned({ checked: 63, expired: 60, deleted: 60, queued: 3 }),
    );
    expect(await queues.drain(sender)).toMatchObject({ reminded: 3 });
    expect(faults).toMatchObject({ unprocessedBatches: 0, throttledQueries: 0 });
    expect(faults.throttleOnceTo.size).toBe(0);
    expect(await mailTo(late.map((r) => r.email))).toHaveLength(3);
    for (const registration of expired)
      expect(await seedTable.findRegistration(registration.id)).toBeUndefined();
  });

  it('when SES refuses some recipients, the others still get theirs, and the refused get theirs on the next day', async () => {
    const faults = noFaults();
    const { planner, sender, queues, seedTable } = await jobWith(faults);
    const late = Array.from({ length: 6 }, () => registrationDue(now, DAY_MS));
    for (const registration of late) await seedTable.createRegistration(registration, 'seeded');
    const refused = late.slice(0, 2).map((r) => r.email);
    for (const email of refused) faults.rejectTo.add(email);

    expect(await runDeadlineJob(planner(), now)).toEqual(planned({ checked: 6, queued: 6 }));
    // Refused by SES for their recipients: counted apart, not retried by the queue; not a failure.
    expect(await queues.drain(sender)).toMatchObject({ reminded: 4, refused: 2, retry: 0 });
    expect(await mailTo(late.map((r) => r.email))).toHaveLength(4);
    expect(await mailTo(refused)).toEqual([]);

    faults.rejectTo.clear();
    expect(await runDeadlineJob(planner(), now)).toEqual(planned({ checked: 6, queued: 2 }));
    expect(await queues.drain(sender)).toMatchObject({ reminded: 2 });
    for (const registration of late) expect(await mailTo([registration.email])).toHaveLength(1);
  });

  it('when DynamoDB keeps a batch unprocessed past every retry, the registrations stay and the next plan deletes them', async () => {
    const faults = noFaults();
    const { planner, seedTable } = await jobWith(faults);
    const expired = Array.from({ length: 10 }, () => registrationDue(now, -DAY_MS));
    for (const registration of expired) await seedTable.createRegistration(registration, 'seeded');
    faults.unprocessedBatches = 1000;

    expect(await runDeadlineJob(planner(), now)).toEqual(planned({ checked: 10, expired: 10, failed: 10 }));
    for (const registration of expired)
      expect(await seedTable.findRegistration(registration.id)).toBeDefined();

    faults.unprocessedBatches = 0;
    expect(await runDeadlineJob(planner(), now)).toEqual(planned({ checked: 10, expired: 10, deleted: 10 }));
  });

  it('overlapping plans queue each reminder three times, and each is sent exactly once', async () => {
    const { planner, sender, queues, seedTable } = await jobWith(noFaults());
    const late = Array.from({ length: 12 }, () => registrationDue(now, DAY_MS));
    for (const registration of late) await seedTable.createRegistration(registration, 'seeded');
    const runs = await Promise.all([
      runDeadlineJob(planner(), now),
      runDeadlineJob(planner(), now),
      runDeadlineJob(planner(), now),
    ]);
    expect(runs.reduce((sum, run) => sum + run.queued, 0)).toBe(36);
    expect(await queues.drain(sender, { maximumConcurrency: 4 })).toMatchObject({
      reminded: 12,
      settled: 24,
    });
    for (const registration of late) expect(await mailTo([registration.email])).toHaveLength(1);
  });

  it('a sender that died after claiming a reminder does not block it forever: the claim expires', async () => {
    const { planner, sender, queues, seedTable } = await jobWith(noFaults());
    const late = registrationDue(now, DAY_MS);
    await seedTable.createRegistration(late, 'seeded');
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    expect(await seedTable.claimReminder(late.id, 'dead-sender', sixMinutesAgo, new Date(0))).toMatchObject({
      claimed: { id: late.id },
    });
    await runDeadlineJob(planner(), now);
    expect(await queues.drain(sender)).toMatchObject({ reminded: 1 });
    expect(await mailTo([late.email])).toHaveLength(1);
  });
});

describe('the deadline handlers', () => {
  async function closedPort() {
    return new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
  }
  const context = { getRemainingTimeInMillis: () => 900_000 } as never;
  /** A late registration in a table of its own, a port nothing listens on, and the function's settings. */
  async function lateOne(settings: (closed: number) => Record<string, string>) {
    const tableName = await privateRegistrationsTable();
    const seedTable = registrationsTableAccess(faultyDynamo(noFaults()), tableName);
    const late = registrationDue(now, DAY_MS);
    await seedTable.createRegistration(late, 'seeded');
    Object.assign(process.env, {
      STAGE: 'local',
      REGISTRATIONS_TABLE: tableName,
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      LOG_LEVEL: 'SILENT',
      ...settings(await closedPort()),
    });
    return { seedTable, late };
  }

  it('the planner fails its invocation when reminders cannot be queued, so EventBridge retries and the DLQ sees it', async () => {
    const suppressions = await privateSuppressionsTable();
    const { seedTable, late } = await lateOne((closed) => ({
      SUPPRESSIONS_TABLE: suppressions,
      // SQS unreachable: a port that was free a moment ago, with nothing listening.
      REMINDERS_QUEUE_URL: `http://127.0.0.1:${closed}/000000000000/reminders`,
      DEADLINE_CONTINUATIONS_QUEUE_URL: `http://127.0.0.1:${closed}/000000000000/continuations`,
    }));
    const { handler } = await import('../../functions/deadline.ts');
    await expect(handler({ now: now.toISOString() }, context)).rejects.toThrow(
      /left 1 registrations unprocessed/,
    );
    // Nothing lost: still unpaid and unreminded, so the retried plan queues it.
    expect(await seedTable.findRegistration(late.id)).toMatchObject({ paid: false });
    expect((await seedTable.findRegistration(late.id))?.reminderSentAt).toBeUndefined();
  });

  it('the sender names a reminder SES could not take in its partial batch answer, and gives its claim back', async () => {
    const { seedTable, late } = await lateOne((closed) => ({
      // SES unreachable.
      SES_ENDPOINT: `http://127.0.0.1:${closed}`,
      SES_MAX_SEND_RATE: '100',
    }));
    // A container of its own: the settings are read once per container, and the planner's came first.
    vi.resetModules();
    const { handler } = await import('../../functions/reminder-sender.ts');
    const record = (messageId: string, body: string) => ({
      messageId,
      receiptHandle: messageId,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:reminders',
      awsRegion: 'us-east-1',
    });
    const answer = await handler(
      {
        Records: [
          record('m-1', JSON.stringify({ id: late.id, now: now.toISOString() })),
          record('m-2', 'not json'),
        ],
      },
      context,
    );
    expect(answer.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m-1', 'm-2']);
    // Nothing lost: the claim was given back, so the message's next delivery claims it.
    expect(await seedTable.claimReminder(late.id, 'next', new Date(), new Date(0))).toMatchObject({
      claimed: { id: late.id },
    });
  });
});
