import { describe, expect, it } from 'vitest';
import { DAY_MS, deadlineStatus, dueBy, paymentDeadlineFor } from '#shared/registrations/deadline-rules';

const deadline = '2026-06-10T12:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(deadline) + offsetMs);
const unpaid = { paid: false, paymentDeadline: deadline };

describe('payment deadline', () => {
  it('is registeredAt plus the payment period, to the millisecond', () => {
    expect(paymentDeadlineFor(new Date('2026-06-05T12:00:00.000Z'), 5).toISOString()).toBe(deadline);
  });

  it('does not care about midnight: a registration at 23:59:59.999 UTC gets exactly 5 × 24 h', () => {
    expect(paymentDeadlineFor(new Date('2026-02-26T23:59:59.999Z'), 5).toISOString()).toBe(
      '2026-03-03T23:59:59.999Z',
    );
    expect(paymentDeadlineFor(new Date('2026-12-31T00:00:00.000Z'), 5).toISOString()).toBe(
      '2027-01-05T00:00:00.000Z',
    );
  });
});

describe('deadline status', () => {
  it('is expired exactly at the deadline', () => {
    expect(deadlineStatus(unpaid, at(0), 2)).toBe('expired');
    expect(deadlineStatus(unpaid, at(DAY_MS), 2)).toBe('expired');
  });

  it('is late one millisecond before the deadline', () => {
    expect(deadlineStatus(unpaid, at(-1), 2)).toBe('late');
  });

  it('is late exactly at the window edge, and on time one millisecond before it', () => {
    expect(deadlineStatus(unpaid, at(-2 * DAY_MS), 2)).toBe('late');
    expect(deadlineStatus(unpaid, at(-2 * DAY_MS - 1), 2)).toBe('on_time');
  });

  it('is paid whatever the time: paid registrations are never expired or late', () => {
    for (const offset of [-3 * DAY_MS, -1, 0, DAY_MS]) {
      expect(deadlineStatus({ paid: true, paymentDeadline: deadline }, at(offset), 2)).toBe('paid');
    }
  });

  it('with a zero-day window is never late, only expired', () => {
    expect(deadlineStatus(unpaid, at(-1), 0)).toBe('on_time');
    expect(deadlineStatus(unpaid, at(0), 0)).toBe('expired');
  });
});

describe('the job reads up to', () => {
  it('now plus the reminder window: nothing later can be expired or late', () => {
    const now = new Date('2026-06-08T12:00:00.000Z');
    expect(dueBy(now, 2).toISOString()).toBe(deadline);
    expect(deadlineStatus(unpaid, now, 2)).toBe('late');
  });
});
