import { describe, expect, it } from 'vitest';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { domainWorld, movableClock, PASSWORD, uniqueName, sesWorld } from './world.ts';

const world = domainWorld();
const DAY = 24 * 3600 * 1000;
const ses = sesWorld();

describe('the deadline job, as of the moment it is told', () => {
  it('reminds a registration inside the window once, deletes an expired unpaid one, keeps a paid one', async () => {
    const clock = movableClock();
    const { accounts, registrations, deadlineDeps } = await world(clock);
    const owner = await accounts.signUp({ username: uniqueName(), password: PASSWORD });
    const viewer = { userId: owner.id, role: owner.role };
    const admin = { userId: 'admin', role: 'admin' as const };
    const address = `${uniqueName('parent')}@example.com`;
    const expired = (await registrations.create(viewer, { activity: 'Old', email: 'old@example.com' }))
      .registration;
    const paid = (await registrations.create(viewer, { activity: 'Paid', email: 'paid@example.com' }))
      .registration;
    await registrations.pay(admin, paid.id);
    clock.advance(3 * DAY);
    const due = (await registrations.create(viewer, { activity: 'Due', email: address })).registration;

    const deps = deadlineDeps(ses.mailer());
    // Four days after `due` was made: one day before its deadline; `expired`'s passed two days ago.
    const now = new Date(clock().getTime() + 4 * DAY);
    const first = await runDeadlineJob(deps, now);
    expect(first).toMatchObject({ expired: 1, deleted: 1, reminded: 1, failed: 0 });
    expect(await ses.mailsTo(address)).toBe(1);
    await expect(registrations.get(admin, expired.id)).rejects.toMatchObject({ kind: 'not_found' });
    expect(await registrations.get(admin, paid.id)).toMatchObject({ paid: true });

    const second = await runDeadlineJob(deps, now);
    expect(second).toMatchObject({ reminded: 0, failed: 0 });
    expect(await ses.mailsTo(address)).toBe(1);
    expect(await registrations.get(admin, due.id)).toMatchObject({ id: due.id });
  });
});
