import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeKeys } from '#infra/routes';
import { db, tableName } from './emulator.ts';
import { callFrom, type CallOptions, signUp } from './http-client.ts';

// Its own client IP: fuzzed logins must not fill the per-IP failure counter the other tests share.
const call = (method: string, path: string, options?: CallOptions) =>
  callFrom('127.0.9.9', method, path, options);

/**
 * Property-based fuzzing (fast-check) of every route, through real HTTP: random JSON, strings, Unicode,
 * huge and deeply nested values, wrong types and content types. Whatever comes in, the answer is never a
 * 5xx, an error is always the contract's JSON shape, and a rejected request stores nothing.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const deep = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue(),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.string(), tie('node'), { maxKeys: 3 }),
  ),
})).node;
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', ' ', '\u0000', '💥'.repeat(300), 'x'.repeat(20_000), '{"a":', '[]', 'null', '1e309'),
);
const fieldValue = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), deep);
const accountish = fc.record(
  { username: fieldValue, password: fieldValue, password_confirmation: fieldValue, extra: fieldValue },
  { requiredKeys: [] },
);
const registrationish = fc.record(
  { activity: fieldValue, email: fieldValue, studentName: fieldValue },
  { requiredKeys: [] },
);
const body = fc.oneof(
  deep.map((value) => JSON.stringify(value)),
  accountish.map((value) => JSON.stringify(value)),
  registrationish.map((value) => JSON.stringify(value)),
  nasty,
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

function expectContractAnswer(response: { status: number; text: string; json: unknown }, what: string) {
  expect(response.status, what).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.json, what).toEqual({
      error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    });
    expect(response.text, what).not.toMatch(/at \w+ \(|node_modules|\$2[aby]\$|\$pistus1\$/);
  }
}

describe('fuzzing every route', () => {
  it("never answers a 5xx, and always in the contract's error shape", { timeout: 300_000 }, async () => {
    const { token } = await signUp();
    const routes = routeKeys().filter((key) => key !== '$default');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        contentType,
        fc.boolean(),
        fc.oneof(
          fc.uuid(),
          nasty.filter((s) => s.length > 0 && s.length < 200),
        ),
        async (route, text, type, withSession, id) => {
          const [method, path] = route.split(' ') as [string, string];
          const headers: Record<string, string> = type ? { 'content-type': type } : {};
          const response = await call(method, path.replace('{id}', encodeURIComponent(id)), {
            body: method === 'GET' ? undefined : text,
            headers,
            ...(withSession ? { token } : {}),
          });
          expectContractAnswer(response, `${route} ${type} ${text.slice(0, 80)}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a rejected signup stores no user', { timeout: 300_000 }, async () => {
    // Names an earlier case of this run signed up: a later rejected case may reuse one (a 409, or a 400 for
    // its password), and finding that account stored is no fault of the rejected request.
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(accountish, async (input) => {
        const response = await call('POST', '/signup', { json: input });
        expectContractAnswer(response, JSON.stringify(input).slice(0, 120));
        // A key DynamoDB can hold (1 to 1,024 bytes); anything else could not have been stored anyway.
        const name = typeof input.username === 'string' ? input.username.toLowerCase() : '';
        if (response.status === 201) accepted.add(name);
        const checkable = name.length > 0 && Buffer.byteLength(name) <= 1024 && !accepted.has(name);
        if (response.status !== 201 && checkable) {
          const stored = await db.send(
            new GetCommand({ TableName: tableName('users'), Key: { usernameKey: name } }),
          );
          expect(stored.Item).toBeUndefined();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a rejected registration stores nothing', { timeout: 300_000 }, async () => {
    const { token } = await signUp();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(registrationish, async (input) => {
        const response = await call('POST', '/registrations', { token, json: input });
        expectContractAnswer(response, JSON.stringify(input).slice(0, 120));
        if (response.status === 201) created++;
        const list = await call('GET', '/registrations?limit=100', { token });
        expect((list.json as { items: unknown[] }).items).toHaveLength(created);
      }),
      { numRuns: Math.min(RUNS, 90) },
    );
  });
});
