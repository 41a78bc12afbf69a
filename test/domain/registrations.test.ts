import { describe, expect, it } from 'vitest';
import { domainWorld, movableClock, PASSWORD, uniqueName } from './world.ts';

const world = domainWorld();
const DAY = 24 * 3600 * 1000;

describe("registrations, on the domain's clock", () => {
  const input = { activity: 'Chess club', email: 'parent@example.com' };

  it('are due five days after they are made, and an admin can record a payment until then, not after', async () => {
    const clock = movableClock();
    const { accounts, registrations } = await world(clock);
    const owner = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const viewer = { userId: owner.id, role: owner.role };
    const admin = { userId: 'admin-id', role: 'admin' as const };

    const early = (await registrations.create(viewer, input)).registration;
    expect(Date.parse(early.paymentDeadline) - Date.parse(early.registeredAt)).toBe(5 * DAY);
    const late = (await registrations.create(viewer, input)).registration;

    clock.advance(5 * DAY - 1000);
    expect(await registrations.pay(admin, early.id)).toMatchObject({ paid: true });
    clock.advance(2000);
    await expect(registrations.pay(admin, late.id)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'payment_deadline_passed',
    });
  });

  it('are seen by their owner and admins only; anyone else gets not_found, and the owner may not pay', async () => {
    const { accounts, registrations } = await world(movableClock());
    const owner = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const other = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const mine = (await registrations.create({ userId: owner.id, role: 'user' }, input)).registration;
    await expect(registrations.get({ userId: other.id, role: 'user' }, mine.id)).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(registrations.get({ userId: 'x', role: 'user' }, 'not-a-uuid')).rejects.toMatchObject({
      kind: 'not_found',
    });
    await expect(registrations.pay({ userId: owner.id, role: 'user' }, mine.id)).rejects.toMatchObject({
      kind: 'forbidden',
    });
    expect(await registrations.get({ userId: 'admin', role: 'admin' }, mine.id)).toMatchObject({
      id: mine.id,
    });
  });
});
