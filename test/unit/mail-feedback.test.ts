import { describe, expect, it } from 'vitest';
import { suppressionsIn } from '#shared/registrations/mail-feedback';
import { feedbackMessage } from '../support/ses-feedback.ts';

describe("SES's bounce and complaint reports", () => {
  it('suppress every recipient of a permanent bounce, with its reason, time and feedback id', () => {
    expect(suppressionsIn(feedbackMessage('permanent-bounce'))).toEqual([
      {
        address: 'Bounced-Parent@Example.com',
        reason: 'bounce',
        reportedAt: '2026-11-30T09:12:43.812Z',
        feedbackId: '0100019a0f7c8d3e-1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d-000000',
      },
    ]);
  });

  it('suppress the recipients of a complaint', () => {
    expect(suppressionsIn(feedbackMessage('complaint'))).toMatchObject([
      { address: 'complaining-parent@example.com', reason: 'complaint' },
    ]);
  });

  it('suppress nothing for a transient bounce: a full mailbox is tried again next time', () => {
    expect(suppressionsIn(feedbackMessage('transient-bounce'))).toEqual([]);
  });

  it("read an identity's own notifications (notificationType) the same way", () => {
    const report = JSON.parse(feedbackMessage('complaint')) as Record<string, unknown>;
    const { eventType, ...rest } = report;
    expect(suppressionsIn(JSON.stringify({ ...rest, notificationType: eventType }))).toHaveLength(1);
  });

  it('are null for anything else: a delivery, the subscription confirmation, not JSON at all', () => {
    expect(suppressionsIn(JSON.stringify({ eventType: 'Delivery', delivery: {} }))).toBeNull();
    expect(suppressionsIn(JSON.stringify({ Type: 'SubscriptionConfirmation' }))).toBeNull();
    expect(suppressionsIn('not json')).toBeNull();
    expect(
      suppressionsIn(JSON.stringify({ eventType: 'Bounce', bounce: { bounceType: 'Permanent' } })),
    ).toBeNull();
  });
});
