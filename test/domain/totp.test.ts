import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '#shared/auth/login-throttle';
import { createSecretBox } from '#shared/auth/secret-box';
import { createTotp } from '#shared/auth/totp';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { authenticator } from '../support/totp.ts';
import { domainWorld, movableClock, PASSWORD, uniqueName } from './world.ts';

/** TOTP with the clock in the test's hands: the skew window and replays, at exact step boundaries. */
const world = domainWorld();
const STEP = 30_000;

async function setUp() {
  // Mid-step, so one step either way is unambiguous.
  const clock = movableClock(new Date(Date.UTC(2030, 0, 1, 0, 0, 15)));
  const built = await world(clock);
  const box = createSecretBox(randomBytes(32).toString('base64url'));
  const totp = createTotp({
    users: built.users,
    box: async () => box,
    throttle: () =>
      createLoginThrottle({ table: loginAttemptsTableAccess(built.db, built.name('login-attempts')), clock }),
    clock,
  });
  const user = await built.accounts.signUp({ username: uniqueName(), password: PASSWORD });
  const { secret } = await totp.offer(user.username);
  const app = authenticator(secret);
  const at = (steps: number) => app.code(steps, clock().getTime());
  await totp.confirm(user.username, at(-1), 'the-session');
  const current = async () => (await built.users.findUserByUsername(user.username)) ?? user;
  return { clock, totp, at, current };
}

describe('TOTP codes', () => {
  it('are accepted one step either side of now, and not two', async () => {
    const { totp, at, current } = await setUp();
    expect((await totp.prove(await current(), { code: at(-2) }, '192.0.2.1')).kind).toBe('invalid');
    expect((await totp.prove(await current(), { code: at(2) }, '192.0.2.1')).kind).toBe('invalid');
    expect((await totp.prove(await current(), { code: at(0) }, '192.0.2.1')).kind).toBe('ok');
    expect((await totp.prove(await current(), { code: at(1) }, '192.0.2.1')).kind).toBe('ok');
  });

  it('are accepted once: the same step again, or an earlier one, is refused', async () => {
    const { totp, at, current, clock } = await setUp();
    expect((await totp.prove(await current(), { code: at(0) }, '192.0.2.2')).kind).toBe('ok');
    expect((await totp.prove(await current(), { code: at(0) }, '192.0.2.2')).kind).toBe('invalid');
    // The confirming code's step (the one before) is spent as well.
    clock.advance(STEP);
    expect((await totp.prove(await current(), { code: at(-2) }, '192.0.2.2')).kind).toBe('invalid');
    expect((await totp.prove(await current(), { code: at(0) }, '192.0.2.2')).kind).toBe('ok');
  });

  it('lock the account after 5 wrong codes, until the lock ends', async () => {
    const { totp, at, current, clock } = await setUp();
    for (let i = 0; i < 5; i++) await totp.prove(await current(), { code: '000000' }, '192.0.2.3');
    expect((await totp.prove(await current(), { code: at(0) }, '192.0.2.3')).kind).toBe('throttled');
    clock.advance(31_000);
    expect((await totp.prove(await current(), { code: at(0) }, '192.0.2.3')).kind).toBe('ok');
  });
});
