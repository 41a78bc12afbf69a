import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpClient } from '../support/http-client.ts';
import { type DeployedStack, startDeployedStack } from './deployed-stack.ts';

/**
 * What on-call reads in X-Ray: the deployed bundle, given a sampled trace as Lambda gives an actively
 * traced function, sends a subsegment for each AWS SDK call to the X-Ray daemon (here a UDP listener of the
 * test's own, where Lambda's daemon would be).
 */
interface Subsegment {
  type?: string;
  id?: string;
  parent_id?: string;
  name?: string;
  namespace?: string;
  trace_id?: string;
  start_time?: number;
  end_time?: number;
  error?: boolean;
  throttle?: boolean;
  http?: { response?: { status?: number } };
  aws?: { operation?: string; table_name?: string; table_names?: string[]; retries?: number };
}
let throttleChecks = false;

let daemon: Socket;
const received: Subsegment[] = [];
let stack: DeployedStack;

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    // The daemon protocol: a JSON header line, then the document.
    const [, document] = message.toString('utf8').split('\n');
    if (document) received.push(JSON.parse(document) as Subsegment);
  });
  await new Promise<void>((bound) => daemon.bind(0, '127.0.0.1', bound));
  const { port } = daemon.address() as AddressInfo;
  stack = await startDeployedStack({
    templateFile: inject('templates').dev,
    environmentOverrides: {
      'check-session': { AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`, PISTUS_TRACE_SAMPLED: '1' },
      // Pointed at the daemon too, but its invocations are not sampled.
      home: { AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` },
    },
    faults: (functionName, operation) =>
      throttleChecks && functionName === 'check-session' && operation === 'BatchGetItem'
        ? 'throttle'
        : undefined,
  });
});
afterAll(async () => {
  await stack?.stop();
  daemon?.close();
});

describe('X-Ray tracing of the deployed bundles', () => {
  it('records each DynamoDB call of a request as a subsegment of its trace', async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    expect((await client.call('GET', '/check_session', { token })).status).toBe(200);
    await expect.poll(() => received.map((segment) => segment.name), { timeout: 5000 }).toContain('DynamoDB');
    const call = received.find((segment) => segment.name === 'DynamoDB');
    expect(call).toMatchObject({ namespace: 'aws', aws: { operation: 'BatchGetItem' } });
    expect(call?.trace_id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    // A subsegment X-Ray accepts on its own: its id, its parent (the invocation's segment), its times.
    expect(call).toMatchObject({
      type: 'subsegment',
      http: { response: { status: 200 } },
      aws: { retries: 0 },
    });
    expect(call?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(call?.parent_id).toMatch(/^[0-9a-f]{16}$/);
    expect(call?.end_time).toBeGreaterThanOrEqual(call?.start_time ?? Infinity);
    const tables = stack.functions.get('check-session')?.model.environment;
    expect([...(call?.aws?.table_names ?? [])].sort()).toEqual(
      [tables?.SESSIONS_TABLE, tables?.USERS_TABLE].sort(),
    );
  });

  it('marks a throttled call with its retries, and sends nothing for an invocation that is not sampled', async () => {
    const client = httpClient(stack.apiUrl);
    const { token } = await client.signUp();
    received.length = 0;
    expect((await client.call('GET', '/home', { token })).status).toBe(200);
    throttleChecks = true;
    expect((await client.call('GET', '/check_session', { token })).status).toBe(503);
    throttleChecks = false;
    await expect.poll(() => received.length, { timeout: 5000 }).toBeGreaterThan(0);
    // Only check_session's: home's trace was not sampled.
    expect(received.every((segment) => segment.aws?.operation === 'BatchGetItem')).toBe(true);
    expect(received[0]).toMatchObject({ error: true, throttle: true, http: { response: { status: 400 } } });
    expect(received[0]?.aws?.retries).toBeGreaterThan(0);
  });
});
