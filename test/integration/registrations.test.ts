import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicRegistration } from '#shared/registrations/registrations';
import { call, errorCode, signUp } from './http-client.ts';
import { operator, signInAdmin } from './operator.ts';

type Registration = PublicRegistration;

const newRegistration = { activity: 'Swimming, level 2', email: 'student@example.com', studentName: 'Ada' };

async function register(token: string, body: object = newRegistration) {
  const response = await call('POST', '/registrations', { token, json: body });
  expect(response.status, response.text).toBe(201);
  return response.json as Registration;
}

let admin: { token: string };
beforeAll(async () => {
  admin = await signInAdmin();
});

describe('POST /registrations', () => {
  it('creates an unpaid registration with a server-set date and a deadline 5 days later', async () => {
    const { token } = await signUp();
    const before = Date.now();
    const registration = await register(token);
    expect(Object.keys(registration).sort()).toEqual(
      ['activity', 'email', 'id', 'paid', 'paymentDeadline', 'registeredAt', 'studentName'].sort(),
    );
    expect(registration).toMatchObject({ ...newRegistration, paid: false });
    const registeredAt = Date.parse(registration.registeredAt);
    expect(registeredAt).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(registeredAt).toISOString()).toBe(registration.registeredAt);
    expect(Date.parse(registration.paymentDeadline) - registeredAt).toBe(5 * 24 * 3600 * 1000);
  });

  it('makes studentName optional', async () => {
    const { token } = await signUp();
    const registration = await register(token, { activity: 'Chess', email: 'c@example.com' });
    expect(registration.studentName).toBeUndefined();
  });

  it.each([
    ['a missing activity', { email: 'a@example.com' }, 'activity'],
    ['an empty activity', { activity: '   ', email: 'a@example.com' }, 'activity'],
    ['an activity of 101 characters', { activity: 'a'.repeat(101), email: 'a@example.com' }, 'activity'],
    ['an invalid email', { activity: 'Chess', email: 'not-an-email' }, 'email'],
    ['an unknown field', { activity: 'Chess', email: 'a@example.com', paid: true }, 'paid'],
    [
      'a non-string studentName',
      { activity: 'Chess', email: 'a@example.com', studentName: 7 },
      'studentName',
    ],
  ])('rejects %s with 400 naming the field, and stores nothing', async (_, body, field) => {
    const { token } = await signUp();
    const response = await call('POST', '/registrations', { token, json: body });
    expect(response.status).toBe(400);
    expect((response.json as { error: { fields: object } }).error.fields).toHaveProperty(field);
    expect(((await call('GET', '/registrations', { token })).json as { items: unknown[] }).items).toEqual([]);
  });

  it('needs a session', async () => {
    expect((await call('POST', '/registrations', { json: newRegistration })).status).toBe(401);
  });
});

describe('POST /registrations with an Idempotency-Key', () => {
  const post = (token: string, key: string, body: object = newRegistration) =>
    call('POST', '/registrations', { token, json: body, headers: { 'idempotency-key': key } });

  it('answers a retry with the same key with the same registration, created once, marked as a replay', async () => {
    const { token } = await signUp();
    const first = await post(token, 'retry-me-1');
    const again = await post(token, 'retry-me-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    const list = await call('GET', '/registrations', { token });
    expect((list.json as { items: unknown[] }).items).toHaveLength(1);
  });

  it('refuses the same key with another body: 422 idempotency_key_reused, nothing created', async () => {
    const { token } = await signUp();
    await post(token, 'reused');
    const other = await post(token, 'reused', { ...newRegistration, activity: 'Something else' });
    expect(other.status).toBe(422);
    expect(errorCode(other)).toBe('idempotency_key_reused');
    const list = await call('GET', '/registrations', { token });
    expect((list.json as { items: unknown[] }).items).toHaveLength(1);
  });

  it("keeps each user's keys apart: the same key from another user is another registration", async () => {
    const [a, b] = [await signUp(), await signUp()];
    const mine = await post(a.token, 'shared-key');
    const theirs = await post(b.token, 'shared-key');
    expect(theirs.status).toBe(201);
    expect((theirs.json as Registration).id).not.toBe((mine.json as Registration).id);
  });

  it('refuses a key that is empty, too long or not visible ASCII: 400 naming Idempotency-Key', async () => {
    const { token } = await signUp();
    for (const key of ['x'.repeat(256), 'with space', 'caf\u00e9']) {
      const response = await post(token, key);
      expect(response.status, key).toBe(400);
      expect(response.json).toMatchObject({
        error: { code: 'invalid_input', fields: { 'Idempotency-Key': expect.any(String) } },
      });
    }
    const list = await call('GET', '/registrations', { token });
    expect((list.json as { items: unknown[] }).items).toHaveLength(0);
  });
});

describe('GET /registrations', () => {
  it('shows a user their own registrations only, newest first', async () => {
    const alice = await signUp();
    const bob = await signUp();
    const first = await register(alice.token, { activity: 'First', email: 'a@example.com' });
    await register(bob.token, { activity: 'Not hers', email: 'b@example.com' });
    const second = await register(alice.token, { activity: 'Second', email: 'a@example.com' });
    const response = await call('GET', '/registrations', { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ items: [second, first] });
  });

  it("shows an admin everyone's registrations", async () => {
    const alice = await signUp();
    const mine = await register(alice.token);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await call('GET', `/registrations?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
          token: admin.token,
        })
      ).json as { items: Registration[]; nextCursor?: string };
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toContain(mine.id);
  });

  it('paginates with limit and cursor, every item once, and no cursor after the last page', async () => {
    const { token } = await signUp();
    const created: Registration[] = [];
    for (let i = 0; i < 5; i++)
      created.push(await register(token, { activity: `Activity ${i}`, email: 'p@example.com' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await call(
        'GET',
        `/registrations?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      const page = response.json as { items: Registration[]; nextCursor?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(created.map((r) => r.id).reverse());
  });

  it.each(['0', '101', 'ten', '1.5', '-1'])('rejects limit=%s with 400', async (limit) => {
    const { token } = await signUp();
    const response = await call('GET', `/registrations?limit=${limit}`, { token });
    expect(response.status).toBe(400);
    expect((response.json as { error: { fields: object } }).error.fields).toHaveProperty('limit');
  });

  it.each([
    'garbage',
    Buffer.from('{"id":"x"}').toString('base64url'),
    Buffer.from('[]').toString('base64url'),
  ])('rejects a cursor it did not issue (%s) with 400 invalid_cursor', async (cursor) => {
    const { token } = await signUp();
    const response = await call('GET', `/registrations?cursor=${cursor}`, { token });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('invalid_cursor');
  });

  it("a cursor cannot reach into another user's registrations", async () => {
    const alice = await signUp();
    const bob = await signUp();
    for (let i = 0; i < 3; i++) await register(alice.token, { activity: `A${i}`, email: 'a@example.com' });
    const page = (await call('GET', '/registrations?limit=1', { token: alice.token })).json as {
      nextCursor: string;
    };
    const response = await call('GET', `/registrations?cursor=${page.nextCursor}`, { token: bob.token });
    expect(response.status).toBe(200);
    expect((response.json as { items: unknown[] }).items).toEqual([]);
  });
});

describe('GET and DELETE /registrations/{id}', () => {
  it('lets the owner and an admin read it, and answers 404 to anyone else', async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const registration = await register(owner.token);
    expect((await call('GET', `/registrations/${registration.id}`, { token: owner.token })).json).toEqual(
      registration,
    );
    expect((await call('GET', `/registrations/${registration.id}`, { token: admin.token })).json).toEqual(
      registration,
    );
    const hidden = await call('GET', `/registrations/${registration.id}`, { token: stranger.token });
    const missing = await call('GET', `/registrations/${crypto.randomUUID()}`, { token: stranger.token });
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text);
    expect((await call('GET', '/registrations/not-a-uuid', { token: owner.token })).status).toBe(404);
  });

  it('lets the owner delete it (204), then it is gone', async () => {
    const owner = await signUp();
    const registration = await register(owner.token);
    expect((await call('DELETE', `/registrations/${registration.id}`, { token: owner.token })).status).toBe(
      204,
    );
    expect((await call('GET', `/registrations/${registration.id}`, { token: owner.token })).status).toBe(404);
    expect((await call('DELETE', `/registrations/${registration.id}`, { token: owner.token })).status).toBe(
      404,
    );
  });

  it("refuses a stranger's delete with 404 and keeps the registration", async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const registration = await register(owner.token);
    expect(
      (await call('DELETE', `/registrations/${registration.id}`, { token: stranger.token })).status,
    ).toBe(404);
    expect((await call('GET', `/registrations/${registration.id}`, { token: owner.token })).status).toBe(200);
  });

  it("lets an admin delete anyone's", async () => {
    const owner = await signUp();
    const registration = await register(owner.token);
    expect((await call('DELETE', `/registrations/${registration.id}`, { token: admin.token })).status).toBe(
      204,
    );
  });
});

describe('POST /registrations/{id}/payment', () => {
  it('lets an admin record a payment: 200 with paid and paidAt; paying twice keeps the first paidAt', async () => {
    const owner = await signUp();
    const registration = await register(owner.token);
    const paid = await call('POST', `/registrations/${registration.id}/payment`, { token: admin.token });
    expect(paid.status).toBe(200);
    const body = paid.json as Registration;
    expect(body).toMatchObject({ ...registration, paid: true });
    expect(Date.parse(body.paidAt ?? '')).not.toBeNaN();
    const again = await call('POST', `/registrations/${registration.id}/payment`, { token: admin.token });
    expect(again.status).toBe(200);
    expect((again.json as Registration).paidAt).toBe(body.paidAt);
  });

  it('answers the owner with 403 and anyone else with 404, and records nothing', async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const registration = await register(owner.token);
    const byOwner = await call('POST', `/registrations/${registration.id}/payment`, { token: owner.token });
    expect(byOwner.status).toBe(403);
    expect(errorCode(byOwner)).toBe('forbidden');
    expect(
      (await call('POST', `/registrations/${registration.id}/payment`, { token: stranger.token })).status,
    ).toBe(404);
    expect(
      (await call('POST', `/registrations/${crypto.randomUUID()}/payment`, { token: admin.token })).status,
    ).toBe(404);
    expect(
      ((await call('GET', `/registrations/${registration.id}`, { token: owner.token })).json as Registration)
        .paid,
    ).toBe(false);
  });
});

describe('roles', () => {
  it('signup always makes a user: a new account sees only its own registrations', async () => {
    const user = await signUp();
    const page = (await call('GET', '/registrations', { token: user.token })).json as { items: unknown[] };
    expect(page.items).toEqual([]);
  });

  it('the account CLI refuses a bad or taken username, a bad role and a short password', async () => {
    const { username } = await signUp();
    const taken = operator(
      'account',
      ['create', '--username', username.toUpperCase()],
      'long enough password\n',
    );
    expect(taken.status).toBe(2);
    expect(taken.stderr).toMatch(/already taken/);
    expect(
      operator('account', ['create', '--username', 'x', '--role', 'admin'], 'long enough password\n').status,
    ).toBe(2);
    expect(
      operator('account', ['create', '--username', 'valid_name', '--role', 'root'], 'long enough password\n')
        .status,
    ).toBe(2);
    expect(operator('account', ['create', '--username', 'valid_name2'], 'short\n').stderr).toMatch(
      /password: must be at least 8/,
    );
  });
});
