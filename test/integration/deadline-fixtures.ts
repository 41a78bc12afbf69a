import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { ensureTables } from '#infra/local/dynamodb';
import type { Registration } from '#shared/data/registrations';
import { DAY_MS } from '#shared/registrations/deadline-rules';
import { registrationsTable, suppressionsTable } from '#shared/data/tables';
import { type SuppressionsTable, suppressionsTableAccess } from '#shared/data/suppressions';

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const region = 'us-east-1';

/**
 * A fresh DynamoDB client on the stack's emulator (or another), so a test can add its own middleware
 * (faults, counters).
 */
export function dynamoClient(endpoint = inject('dynamodbEndpoint')): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials });
}

export const documentClient = (client: DynamoDBClient) =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** A registrations table of the test's own, on the stack's emulator unless named, from the stack's declaration. */
export async function privateRegistrationsTable(endpoint?: string): Promise<string> {
  const name = `${inject('tablePrefix')}registrations-${randomBytes(4).toString('hex')}`;
  await ensureTables(dynamoClient(endpoint), [registrationsTable], () => name);
  return name;
}

/** A suppressions table of the test's own (empty until the test adds to it), as the registrations'. */
export async function privateSuppressionsTable(endpoint?: string): Promise<string> {
  const name = `${inject('tablePrefix')}suppressions-${randomBytes(4).toString('hex')}`;
  await ensureTables(dynamoClient(endpoint), [suppressionsTable], () => name);
  return name;
}

export const privateSuppressions = async (endpoint?: string): Promise<SuppressionsTable> =>
  suppressionsTableAccess(documentClient(dynamoClient(endpoint)), await privateSuppressionsTable(endpoint));

/** A registration whose deadline is `deadlineFromNow` away from `now`, as the API would have stored it. */
export function registrationDue(
  now: Date,
  deadlineFromNow: number,
  overrides: Partial<Registration> = {},
): Registration {
  const deadline = new Date(now.getTime() + deadlineFromNow);
  return {
    id: randomUUID(),
    ownerId: randomUUID(),
    activity: 'Pottery <for beginners>',
    email: `student-${randomBytes(4).toString('hex')}@example.com`,
    studentName: 'Ada & Bob',
    registeredAt: new Date(deadline.getTime() - 5 * DAY_MS).toISOString(),
    paymentDeadline: deadline.toISOString(),
    paid: false,
    ...overrides,
  };
}
