import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpClient, loopbackAddress, PASSWORD } from '../support/http-client.ts';
import { type DeployedStack, startDeployedStack } from './deployed-stack.ts';

/**
 * What the cost bench (`npm run bench:cost`) reads off the deployed bundles: each function's DynamoDB calls
 * with the capacity the emulator says they consumed, and Lambda's REPORT of each invocation. Pinned here on
 * the two routes that matter most: a login's calls and round trips, and an authenticated request's one read.
 */
let stack: DeployedStack;

beforeAll(async () => {
  stack = await startDeployedStack({ templateFile: inject('templates').dev, meterCapacity: true });
});
afterAll(() => stack?.stop());

/** What one call of `route` cost its function: its DynamoDB calls by operation, the units, the REPORT. */
async function measured(functionName: string, call: () => Promise<unknown>) {
  const fn = stack.functions.get(functionName);
  if (!fn) throw new Error(`no function ${functionName}`);
  const [calls, reports] = [fn.aws.consumed.length, fn.reports.length];
  await call();
  const consumed = fn.aws.consumed.slice(calls);
  const operations: Record<string, number> = {};
  for (const unit of consumed) operations[unit.operation] = (operations[unit.operation] ?? 0) + 1;
  return {
    consumed,
    operations,
    readUnits: consumed.reduce((sum, unit) => sum + unit.readUnits, 0),
    writeUnits: consumed.reduce((sum, unit) => sum + unit.writeUnits, 0),
    report: fn.reports[reports],
    memoryMb: fn.model.memoryMb,
  };
}

describe('what a request costs, measured on the deployed bundles', () => {
  it('a login: seven calls (the user, two counter reservations, their settlement, the session, the sign-in moment) with their units', async () => {
    const client = httpClient(stack.apiUrl);
    const { username } = await client.signUp();
    const login = await measured('login', () =>
      client.call('POST', '/login', { json: { username, password: PASSWORD } }),
    );
    // GetItem the user; UpdateItem ×2 reserves the account and IP counters, ×1 gives the IP's back, ×1
    // records the sign-in's moment on the user; DeleteItem clears the account's; PutItem writes the session.
    expect(login.operations).toEqual({ GetItem: 1, UpdateItem: 4, DeleteItem: 1, PutItem: 1 });
    expect(login.readUnits).toBeGreaterThan(0);
    expect(login.writeUnits).toBeGreaterThanOrEqual(6);
    // Lambda's REPORT: the handler's time, its CPU (a bcrypt compare), the container's memory.
    expect(login.report?.durationMs).toBeGreaterThan(0);
    expect(login.report?.cpuMs).toBeGreaterThan(0);
    expect(login.report?.maxMemoryUsedMb).toBeGreaterThan(30);
    expect(login.report?.maxMemoryUsedMb).toBeLessThan(login.memoryMb);
  });

  it('an authenticated request: one read of the session and its user, no write', async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    const check = await measured('check-session', () => client.call('GET', '/check_session', { token }));
    expect(check.operations).toEqual({ BatchGetItem: 1 });
    expect(check.readUnits).toBeGreaterThan(0);
    expect(check.writeUnits).toBe(0);
  });

  it('counts a write its condition refused as the write unit DynamoDB bills for it', async () => {
    const client = httpClient(stack.apiUrl);
    const { username } = await client.signUp();
    const guess = () =>
      client.callFrom(loopbackAddress(), 'POST', '/login', { json: { username, password: 'a wrong guess' } });
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(401);
    // Locked: the account counter's reservation is refused by its condition, before any password work.
    let status = 0;
    const locked = await measured('login', async () => {
      status = (await guess()).status;
    });
    expect(status).toBe(429);
    const refused = locked.consumed.filter((unit) => unit.failed);
    expect(refused.length).toBeGreaterThan(0);
    for (const unit of refused)
      expect(unit).toMatchObject({ operation: 'UpdateItem', readUnits: 0, writeUnits: 1 });
  });
});
