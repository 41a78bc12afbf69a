import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { registrationsTableAccess } from '#shared/data/registrations';
import { type DeadlineJobDeps, runDeadlineJob } from '#shared/registrations/deadline-job';
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
 * The job against the real emulators, with faults injected into the real AWS SDK clients through their
 * middleware stacks: SES refusing some recipients or throttling, DynamoDB throttling queries and leaving
 * batch items unprocessed. Whatever happens, nothing may be lost: what fails is retried by the next run.
 */
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
  const deps = (): DeadlineJobDeps => ({
    table: registrationsTableAccess(faultyDynamo(faults), tableName),
    suppressions,
    mailer: createSesMailer({
      client: faultySes(faults),
      sender: 'Pistus <no-reply@pistus.local>',
      maxPerSecond: 200,
    }),
    reminderWindowDays: 2,
    sendConcurrency: 4,
    realClock: () => new Date(),
    // Back-off without waiting: the retries happen, the test does not sleep through them.
    sleep: async () => undefined,
  });
  const seedTable = registrationsTableAccess(faultyDynamo(noFaults()), tableName);
  return { deps, seedTable };
}

const now = new Date();

describe('the deadline job under faults', () => {
  it('retries throttled batches and queries, and a recipient SES throttles once: all done in one run', async () => {
    const faults = noFaults();
    const { deps, seedTable } = await jobWith(faults);
    const expired = Array.from({ length: 60 }, () => registrationDue(now, -DAY_MS));
    const late = Array.from({ length: 3 }, () => registrationDue(now, DAY_MS));
    for (const registration of [...expired, ...late])
      await seedTable.createRegistration(registration, 'seeded');
    Object.assign(faults, { unprocessedBatches: 4, throttledQueries: 1 });
    faults.throttleOnceTo.add(late[0]?.email ?? '');

    const summary = await runDeadlineJob(deps(), now);
    expect(summary).toEqual({
      checked: 63,
      expired: 60,
      deleted: 60,
      reminded: 3,
      failed: 0,
      refused: 0,
      unrecorded: 0,
      suppressed: 0,
    });
    expect(faults).toMatchObject({ unprocessedBatches: 0, throttledQueries: 0 });
    expect(faults.throttleOnceTo.size).toBe(0);
    expect(await mailTo(late.map((r) => r.email))).toHaveLength(3);
    for (const registration of expired)
      expect(await seedTable.findRegistration(registration.id)).toBeUndefined();
  });

  it('when SES refuses some recipients, the others still get theirs, and the refused get theirs on the next run', async () => {
    const faults = noFaults();
    const { deps, seedTable } = await jobWith(faults);
    const late = Array.from({ length: 6 }, () => registrationDue(now, DAY_MS));
    for (const registration of late) await seedTable.createRegistration(registration, 'seeded');
    const refused = late.slice(0, 2).map((r) => r.email);
    for (const email of refused) faults.rejectTo.add(email);

    expect(await runDeadlineJob(deps(), now)).toEqual({
      checked: 6,
      expired: 0,
      deleted: 0,
      reminded: 4,
      // Refused by SES for their recipients: counted apart, and tried again next run; not a failed run.
      failed: 0,
      refused: 2,
      unrecorded: 0,
      suppressed: 0,
    });
    expect(await mailTo(late.map((r) => r.email))).toHaveLength(4);
    expect(await mailTo(refused)).toEqual([]);

    faults.rejectTo.clear();
    expect(await runDeadlineJob(deps(), now)).toEqual({
      checked: 6,
      expired: 0,
      deleted: 0,
      reminded: 2,
      failed: 0,
      refused: 0,
      unrecorded: 0,
      suppressed: 0,
    });
    for (const registration of late) expect(await mailTo([registration.email])).toHaveLength(1);
  });

  it('when DynamoDB keeps a batch unprocessed past every retry, the registrations stay and the next run deletes them', async () => {
    const faults = noFaults();
    const { deps, seedTable } = await jobWith(faults);
    const expired = Array.from({ length: 10 }, () => registrationDue(now, -DAY_MS));
    for (const registration of expired) await seedTable.createRegistration(registration, 'seeded');
    faults.unprocessedBatches = 1000;

    expect(await runDeadlineJob(deps(), now)).toEqual({
      checked: 10,
      expired: 10,
      deleted: 0,
      reminded: 0,
      failed: 10,
      refused: 0,
      unrecorded: 0,
      suppressed: 0,
    });
    for (const registration of expired)
      expect(await seedTable.findRegistration(registration.id)).toBeDefined();

    faults.unprocessedBatches = 0;
    expect(await runDeadlineJob(deps(), now)).toEqual({
      checked: 10,
      expired: 10,
      deleted: 10,
      reminded: 0,
      failed: 0,
      refused: 0,
      unrecorded: 0,
      suppressed: 0,
    });
  });

  it('overlapping runs send each reminder exactly once', async () => {
    const { deps, seedTable } = await jobWith(noFaults());
    const late = Array.from({ length: 12 }, () => registrationDue(now, DAY_MS));
    for (const registration of late) await seedTable.createRegistration(registration, 'seeded');
    const runs = await Promise.all([
      runDeadlineJob(deps(), now),
      runDeadlineJob(deps(), now),
      runDeadlineJob(deps(), now),
    ]);
    expect(runs.reduce((sum, run) => sum + run.reminded, 0)).toBe(12);
    for (const registration of late) expect(await mailTo([registration.email])).toHaveLength(1);
  });

  it('a run that died after claiming a reminder does not block it forever: the claim expires', async () => {
    const { deps, seedTable } = await jobWith(noFaults());
    const late = registrationDue(now, DAY_MS);
    await seedTable.createRegistration(late, 'seeded');
    const sixteenMinutesAgo = new Date(Date.now() - 16 * 60_000);
    expect(await seedTable.claimReminder(late.id, 'another-run', sixteenMinutesAgo, new Date(0))).toBe(
      'claimed',
    );
    expect((await runDeadlineJob(deps(), now)).reminded).toBe(1);
    expect(await mailTo([late.email])).toHaveLength(1);
  });
});

describe('the deadline job handler', () => {
  it('fails the invocation when something stays unprocessed, so EventBridge retries and the DLQ sees it', async () => {
    const tableName = await privateRegistrationsTable();
    const seedTable = registrationsTableAccess(faultyDynamo(noFaults()), tableName);
    const late = registrationDue(now, DAY_MS);
    await seedTable.createRegistration(late, 'seeded');
    // SES unreachable: a port that was free a moment ago, with nothing listening.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });

    Object.assign(process.env, {
      STAGE: 'local',
      USERS_TABLE: 'unused',
      SESSIONS_TABLE: 'unused',
      LOGIN_ATTEMPTS_TABLE: 'unused',
      REGISTRATIONS_TABLE: tableName,
      SUPPRESSIONS_TABLE: await privateSuppressionsTable(),
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      SES_ENDPOINT: `http://127.0.0.1:${closed}`,
      SES_MAX_SEND_RATE: '100',
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      LOG_LEVEL: 'SILENT',
    });
    const { handler } = await import('../../functions/deadline.ts');
    const context = { getRemainingTimeInMillis: () => 900_000 } as Parameters<typeof handler>[1];
    await expect(handler({ now: now.toISOString() }, context)).rejects.toThrow(
      /left 1 registrations unprocessed/,
    );
    // Nothing lost: not marked as sent, and the claim was given back for the next run.
    expect(await seedTable.claimReminder(late.id, 'another-run', new Date(), new Date(0))).toBe('claimed');
  });
});
