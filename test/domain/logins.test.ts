import { describe, expect, it } from 'vitest';
import { injectFaults, tablesOf } from '../support/dynamodb-faults.ts';
import { domainWorld, movableClock, PASSWORD, uniqueName } from './world.ts';

const world = domainWorld();

describe("logins behind the brute-force counters, on the domain's clock", () => {
  it('lock an account for 30 s after 5 failures, doubling with each further one, and open when time passes', async () => {
    const clock = movableClock();
    const { accounts, logins } = await world(clock);
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    const attempt = (password: string, ip = '198.51.100.7') => logins.attempt({ username, password, ip });

    for (let i = 0; i < 5; i++) expect((await attempt('wrong password here')).kind).toBe('invalid');
    expect(await attempt(PASSWORD)).toMatchObject({ kind: 'throttled', retryAfterSeconds: 30 });
    clock.advance(30_000);
    expect((await attempt('wrong password again')).kind).toBe('invalid');
    expect(await attempt(PASSWORD)).toMatchObject({ kind: 'throttled', retryAfterSeconds: 60 });
    clock.advance(60_000);
    expect((await attempt(PASSWORD)).kind).toBe('ok');
    // A success resets the count.
    expect((await attempt('wrong password here')).kind).toBe('invalid');
    expect((await attempt(PASSWORD)).kind).toBe('ok');
  });

  it('let the owner past a lock with the device token of an earlier success', async () => {
    const clock = movableClock();
    const { accounts, logins } = await world(clock);
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    const ok = await logins.attempt({ username, password: PASSWORD, ip: '198.51.100.8' });
    if (ok.kind !== 'ok') throw new Error('the first login failed');
    for (let i = 0; i < 5; i++)
      await logins.attempt({ username, password: 'attacker guess!', ip: '203.0.113.9' });
    expect((await logins.attempt({ username, password: PASSWORD, ip: '203.0.113.9' })).kind).toBe(
      'throttled',
    );
    const owner = await logins.attempt({
      username,
      password: PASSWORD,
      ip: '198.51.100.8',
      deviceToken: ok.deviceToken,
    });
    expect(owner.kind).toBe('ok');
  });

  it('check at most 5 passwords however many guesses arrive at once, then one per lock', async () => {
    const clock = movableClock();
    const { accounts, logins } = await world(clock);
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        logins.attempt({ username, password: `guess number ${i}`, ip: '198.51.100.9' }),
      ),
    );
    expect(outcomes.filter((o) => o.kind === 'invalid')).toHaveLength(5);
    expect(outcomes.filter((o) => o.kind === 'throttled')).toHaveLength(25);

    clock.advance(30_000);
    const next = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        logins.attempt({ username, password: `guess again ${i}`, ip: '198.51.100.9' }),
      ),
    );
    expect(next.filter((o) => o.kind === 'invalid')).toHaveLength(1);
  });

  it('count a device token from before a password change as no device', async () => {
    const clock = movableClock();
    const { accounts, logins } = await world(clock);
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    // Someone who once knew the password collects device tokens from four logins…
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ok = await logins.attempt({ username, password: PASSWORD, ip: '198.51.100.20' });
      if (ok.kind === 'ok') tokens.push(ok.deviceToken);
    }
    await accounts.setPassword(username, 'the owner changed it quickly');
    // …and gets 5 guesses in all against the new password, not 5 per token.
    let checked = 0;
    for (const deviceToken of tokens)
      for (let i = 0; i < 5; i++) {
        const outcome = await logins.attempt({
          username,
          password: `guess ${i}`,
          ip: '198.51.100.21',
          deviceToken,
        });
        if (outcome.kind === 'invalid') checked++;
      }
    expect(checked).toBe(5);
  });

  it('keep a device token good across logins until the credentials change', async () => {
    const { accounts, logins } = await world(movableClock());
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    const first = await logins.attempt({ username, password: PASSWORD, ip: '198.51.100.22' });
    if (first.kind !== 'ok') throw new Error('login failed');
    for (let i = 0; i < 5; i++)
      await logins.attempt({ username, password: 'attacker guess!', ip: '203.0.113.22' });
    const owner = await logins.attempt({
      username,
      password: PASSWORD,
      ip: '198.51.100.22',
      deviceToken: first.deviceToken,
    });
    expect(owner.kind).toBe('ok');
  });

  it('admit a right password beside the counters: the admission starts before the settlement has answered', async () => {
    const { db, accounts, logins } = await world(movableClock());
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    const order: string[] = [];
    // The settlement answered: the account's counter deleted, the address's reservation given back.
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        const input = args.input as { TableName?: string; UpdateExpression?: string };
        const releases = String(input.UpdateExpression).includes('- :one');
        if (
          input.TableName?.endsWith('login-attempts') &&
          (context.commandName === 'DeleteItemCommand' || releases)
        )
          order.push('settled');
        return output;
      },
      { step: 'initialize', name: 'watch-settlement' },
    );
    const outcome = await logins.attempt({ username, password: PASSWORD, ip: '198.51.100.30' }, async () => {
      order.push('admit');
      return 'admitted';
    });
    db.middlewareStack.remove('watch-settlement');
    expect(outcome).toMatchObject({ kind: 'ok', admitted: 'admitted' });
    // Admitted before either settlement write answered: one round trip, not two.
    expect(order).toEqual(['admit', 'settled', 'settled']);
  });

  it('let a login stand when its counters cannot be settled: they stay one failure stricter, never laxer', async () => {
    const clock = movableClock();
    const { db, accounts, logins } = await world(clock);
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    for (let i = 0; i < 3; i++)
      await logins.attempt({ username, password: 'wrong guess here', ip: `198.51.100.${40 + i}` });
    const unsettled = injectFaults(db, (call) =>
      call.command === 'DeleteItemCommand' && tablesOf(call).some((name) => name.endsWith('login-attempts'))
        ? 'throttle'
        : undefined,
    );
    const outcome = await logins.attempt(
      { username, password: PASSWORD, ip: '198.51.100.50' },
      async () => 'in',
    );
    unsettled.remove();
    expect(outcome).toMatchObject({ kind: 'ok', admitted: 'in' });
    // 3 failures and the unsettled success: the next failure is the fifth, and locks.
    const next = await logins.attempt({ username, password: 'wrong guess again', ip: '198.51.100.51' });
    expect(next).toMatchObject({ kind: 'invalid', lockedNow: true });
  });

  it('answer an error, and admit no one, when the admission itself fails', async () => {
    const { accounts, logins } = await world(movableClock());
    const username = uniqueName();
    await accounts.signUp({ username, password: PASSWORD });
    const failed = logins.attempt({ username, password: PASSWORD, ip: '198.51.100.60' }, async () => {
      throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    });
    await expect(failed).rejects.toThrow('throttled');
    // The settlement went through: the next login starts from a clean count.
    expect((await logins.attempt({ username, password: PASSWORD, ip: '198.51.100.60' })).kind).toBe('ok');
  });
});
