import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionHandle } from '#shared/auth/sessions';
import { domainWorld, movableClock, PASSWORD, uniqueName } from './world.ts';

const world = domainWorld();
const MINUTE = 60_000;

describe("sessions, on the domain's clock", () => {
  it('end after the idle timeout without a request, and live on while requests keep coming', async () => {
    const clock = movableClock();
    const { accounts, sessions } = await world(clock, { idleSeconds: 30 * 60 });
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const { token } = await sessions.start(user);
    for (let i = 0; i < 4; i++) {
      clock.advance(29 * MINUTE);
      expect(await sessions.resolve(token), `request ${i}`).not.toBeNull();
    }
    clock.advance(31 * MINUTE);
    expect(await sessions.resolve(token)).toBeNull();
  });

  it('end at their absolute lifetime however active they are', async () => {
    const clock = movableClock();
    const { accounts, sessions } = await world(clock, { idleSeconds: 3600, lifetimeSeconds: 2 * 3600 });
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const { token } = await sessions.start(user);
    clock.advance(50 * MINUTE);
    expect(await sessions.resolve(token)).not.toBeNull();
    clock.advance(50 * MINUTE);
    expect(await sessions.resolve(token)).not.toBeNull();
    clock.advance(21 * MINUTE);
    expect(await sessions.resolve(token)).toBeNull();
  });

  it('resolve after any quiet gap shorter than the idle timeout, never after a longer one', async () => {
    const idleSeconds = 600;
    const { accounts } = await world(movableClock());
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 * idleSeconds }), async (gapSeconds) => {
        const clock = movableClock();
        const { sessions } = await world(clock, { idleSeconds });
        const { token } = await sessions.start(user);
        clock.advance(gapSeconds * 1000);
        expect((await sessions.resolve(token)) !== null).toBe(gapSeconds < idleSeconds);
      }),
      { numRuns: 25 },
    );
  });

  it('end everywhere but the one kept, and a logout ends only its own', async () => {
    const clock = movableClock();
    const { accounts, sessions } = await world(clock);
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const [a, b, c] = [await sessions.start(user), await sessions.start(user), await sessions.start(user)];
    await sessions.end(c.token);
    expect(await sessions.resolve(c.token)).toBeNull();
    expect(await sessions.endAllOf(user.id, a.session.sid)).toBe(1);
    expect(await sessions.resolve(a.token)).not.toBeNull();
    expect(await sessions.resolve(b.token)).toBeNull();
  });

  it('stay alive at the shortest idle timeout (60 s) while requests come every 50 s', async () => {
    const clock = movableClock();
    const { accounts, sessions } = await world(clock, { idleSeconds: 60 });
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const { token } = await sessions.start(user);
    for (let i = 0; i < 6; i++) {
      clock.advance(50_000);
      expect(await sessions.resolve(token), `request ${i}`).not.toBeNull();
    }
  });
});

describe("a user's list of sessions, on the domain's clock", () => {
  it('drops a session at its idle timeout and at its absolute lifetime, and keeps the live ones', async () => {
    const clock = movableClock();
    const { accounts, sessions } = await world(clock, { idleSeconds: 30 * 60, lifetimeSeconds: 2 * 3600 });
    const user = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const origin = { device: 'Firefox on Linux', ip: '192.0.2.1' };
    const idle = await sessions.start(user, origin);
    clock.advance(20 * MINUTE);
    const active = await sessions.start(user, origin);
    const here = await sessions.start(user, origin);
    expect((await sessions.listOf(here.session)).map((s) => s.id)).toHaveLength(3);

    clock.advance(15 * MINUTE);
    // 35 minutes without a request: the first session is idle; the others were touched 15 minutes ago.
    await sessions.resolve(active.token);
    const current = await sessions.resolve(here.token);
    const afterIdle = await sessions.listOf(current ?? here.session);
    expect(afterIdle).toHaveLength(2);
    expect(afterIdle.map((s) => s.id)).not.toContain(sessionHandle(idle.session.sid));
    expect(afterIdle.map((s) => s.id)).toContain(sessionHandle(active.session.sid));

    // Kept active until past the 2 h lifetime of the last one started (at 20 minutes): every one has ended.
    for (let elapsed = 0; elapsed < 110; elapsed += 20) {
      clock.advance(20 * MINUTE);
      await sessions.resolve(active.token);
      await sessions.resolve(here.token);
    }
    expect(await sessions.resolve(here.token)).toBeNull();
    expect(await sessions.listOf(here.session)).toEqual([]);
  });
});
