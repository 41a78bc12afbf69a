import { describe, expect, it } from 'vitest';
import { runDeadlineJob } from '#shared/registrations/deadline-job';
import { createMailFeedback } from '#shared/registrations/mail-feedback';
import { feedbackMessage } from '../support/ses-feedback.ts';
import { deadlineQueuesWorld } from '../support/deadline-queues.ts';
import { domainWorld, movableClock, uniqueName, sesWorld } from './world.ts';

const world = domainWorld();
const DAY = 24 * 3600 * 1000;
const ses = sesWorld();
const deadlineQueues = deadlineQueuesWorld();

describe('the suppression list, kept from SES reports', () => {
  it('is never mailed: a permanent bounce or a complaint stops reminders to that address, whatever its case', async () => {
    const clock = movableClock(new Date('2035-01-01T00:00:00Z'));
    const { registrations, suppressions, deadline } = await world(clock);
    const feedback = createMailFeedback({ suppressions });
    for (const report of ['permanent-bounce', 'transient-bounce', 'complaint'] as const)
      await feedback.record(feedbackMessage(report));
    // SNS delivers at least once: the same report again changes nothing.
    await feedback.record(feedbackMessage('permanent-bounce'));

    const owner = { userId: uniqueName('owner'), role: 'user' as const };
    const fine = `${uniqueName('fine')}@example.com`;
    for (const email of [
      'bounced-parent@example.com',
      'complaining-parent@example.com',
      'full-mailbox@example.com',
      fine,
    ])
      await registrations.create(owner, { activity: 'Piano', email });
    const queues = await deadlineQueues();
    const flow = deadline(ses.mailer(), queues.planner);
    const summary = await runDeadlineJob(flow.planner, new Date(clock().getTime() + 4 * DAY));
    expect(summary).toMatchObject({ queued: 2, suppressed: 2, failed: 0 });
    expect(await queues.drain(flow.sender)).toMatchObject({ reminded: 2 });
    expect(await ses.mailsTo('bounced-parent@example.com')).toBe(0);
    expect(await ses.mailsTo('complaining-parent@example.com')).toBe(0);
    expect(await ses.mailsTo('full-mailbox@example.com')).toBe(1);
    expect(await ses.mailsTo(fine)).toBe(1);
  });
});
