import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ApiResponse,
  type CallOptions,
  errorCode,
  httpClient,
  PASSWORD,
  sessionToken,
  uniqueUsername,
} from '../support/http-client.ts';
import type { StandInFault } from './aws-stand-in.ts';
import { type DeployedStack, startDeployedStack } from './deployed-stack.ts';

/**
 * The deployed bundles against a DynamoDB that fails 30% of requests (throttling, 500s, resets, answers
 * lost after the write, batches handed back): every answer is the contract's, a failure is 503 with
 * Retry-After and never another 5xx, and a client that retries its 503s ends with exactly the state it
 * asked for, nothing half written.
 */
const FAULT_RATE = 0.3;
const OTHER_FAULTS: readonly StandInFault[] = ['throttle', 'server-error', 'reset', 'drop-answer'];
const FAULTS: readonly StandInFault[] = [...OTHER_FAULTS, 'unprocessed'];

/** A small seeded generator (mulberry32), so a failing run can be told apart and repeated. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
const random = seeded(seed);
let faulty = true;
const injected: StandInFault[] = [];

let stack: DeployedStack;
beforeAll(async () => {
  stack = await startDeployedStack({
    templateFile: inject('templates').dev,
    faults: (_functionName, operation) => {
      if (!faulty) return undefined;
      // A throttled table answers a batch by handing its keys back, so batches meet that; other calls meet
      // the other kinds. The first calls of each sort meet each kind once, so every run sees all five; after
      // that, 30% of calls meet one at random.
      const batch = operation.startsWith('Batch');
      const missing = batch
        ? injected.includes('unprocessed')
          ? undefined
          : 'unprocessed'
        : OTHER_FAULTS.find((kind) => !injected.includes(kind));
      const fault =
        missing ??
        (random() >= FAULT_RATE
          ? undefined
          : batch
            ? 'unprocessed'
            : OTHER_FAULTS[Math.floor(random() * OTHER_FAULTS.length)]);
      if (fault) injected.push(fault);
      return fault;
    },
  });
});
afterAll(() => stack?.stop());

/** The contract under faults: a 503 is the only 5xx, with Retry-After and the error shape. */
function expectContract(label: string, response: ApiResponse) {
  if (response.status < 500) return;
  expect({ label, status: response.status }).toEqual({ label, status: 503 });
  expect(response.headers.get('retry-after'), label).toBe('2');
  expect(errorCode(response), label).toBe('service_unavailable');
}

/** A client that retries a 503, as it is told to, until it gets another answer. */
async function untilAnswered(label: string, method: string, path: string, options: CallOptions = {}) {
  const client = httpClient(stack.apiUrl);
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await client.call(method, path, options);
    expectContract(`${label} #${attempt}`, response);
    if (response.status !== 503) return { response, retried: attempt > 0 };
  }
  throw new Error(`${label}: still 503 after 30 tries (seed ${seed})`);
}

/** Signs up (a retried signup whose account landed gets username_taken: the client then logs in). */
async function signUp(username: string) {
  const body = { json: { username, password: PASSWORD } };
  const { response, retried } = await untilAnswered('signup', 'POST', '/signup', body);
  if (response.status === 201) return sessionToken(response) as string;
  expect({ status: response.status, retried }).toEqual({ status: 409, retried: true });
  return logIn(username, PASSWORD);
}

async function logIn(username: string, password: string) {
  const { response } = await untilAnswered('login', 'POST', '/login', { json: { username, password } });
  expect(response.status, `login (seed ${seed})`).toBe(200);
  return sessionToken(response) as string;
}

describe(`the deployed stack with ${FAULT_RATE * 100}% of DynamoDB requests failing`, () => {
  it('answers only in the contract (503 with Retry-After the one 5xx), and a retrying client gets exactly what it asked for', async () => {
    const username = uniqueUsername('faults');
    const here = await signUp(username);
    const elsewhere = await logIn(username, PASSWORD);

    // Three registrations, each under its own Idempotency-Key and retried until answered: exactly three.
    const created = [];
    for (const key of ['first', 'second', 'third']) {
      const { response } = await untilAnswered(`create ${key}`, 'POST', '/registrations', {
        token: here,
        headers: { 'idempotency-key': `${username}-${key}` },
        json: { activity: `Club ${key}`, email: `${key}@example.com` },
      });
      expect(response.status, `create ${key} (seed ${seed})`).toBe(201);
      created.push((response.json as { id: string }).id);
    }

    // Deleted once: a retry of a landed delete is 404, never a second effect.
    const removed = await untilAnswered('delete', 'DELETE', `/registrations/${created[0]}`, { token: here });
    expect([204, 404]).toContain(removed.response.status);

    // The password change: whole, whatever failed on the way.
    const change = await untilAnswered('change password', 'POST', '/password', {
      token: here,
      json: { currentPassword: PASSWORD, newPassword: 'a different horse entirely' },
    });
    expect(change.response.status, `change password (seed ${seed})`).toBe(204);

    const logout = await untilAnswered('logout', 'POST', '/logout', { token: elsewhere });
    expect(logout.response.status).toBe(204);

    // The state, read without faults: exactly what the client asked for.
    faulty = false;
    const client = httpClient(stack.apiUrl);
    const list = await client.call('GET', '/registrations', { token: here });
    expect((list.json as { items: { id: string }[] }).items.map((item) => item.id).sort()).toEqual(
      created.slice(1).sort(),
    );
    expect((await client.call('GET', '/home', { token: elsewhere })).status).toBe(401);
    expect((await client.call('GET', '/home', { token: here })).status).toBe(200);
    const oldPassword = await client.call('POST', '/login', { json: { username, password: PASSWORD } });
    expect(oldPassword.status).toBe(401);
    expect(
      (await client.call('POST', '/login', { json: { username, password: 'a different horse entirely' } }))
        .status,
    ).toBe(200);
    expect(stack.refusals()).toEqual([]);
    // The faults did happen, of every kind.
    expect(new Set(injected), `seed ${seed}`).toEqual(new Set(FAULTS));
  });
});
