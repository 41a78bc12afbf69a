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
  name?: string;
  namespace?: string;
  trace_id?: string;
  aws?: { operation?: string; table_name?: string };
}

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
    },
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
  });
});
