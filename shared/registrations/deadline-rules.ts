/**
 * The payment-deadline rules, pure and clock-free: every function takes `now`.
 * - A registration must be paid within PAYMENT_PERIOD_DAYS of `registeredAt`.
 * - Expired: unpaid and now ≥ deadline. It is deleted.
 * - Late: unpaid, not expired, and deadline − now ≤ REMINDER_WINDOW_DAYS. It gets one reminder.
 * - Paid: never deleted, never reminded.
 * Days are 24-hour spans of UTC time, so a registration made near midnight is treated like any other.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;

export type DeadlineStatus = 'paid' | 'expired' | 'late' | 'on_time';

export const paymentDeadlineFor = (registeredAt: Date, periodDays: number): Date =>
  new Date(registeredAt.getTime() + periodDays * DAY_MS);

export function deadlineStatus(
  registration: { paid: boolean; paymentDeadline: string },
  now: Date,
  reminderWindowDays: number,
): DeadlineStatus {
  if (registration.paid) return 'paid';
  const left = Date.parse(registration.paymentDeadline) - now.getTime();
  if (left <= 0) return 'expired';
  return left <= reminderWindowDays * DAY_MS ? 'late' : 'on_time';
}

/** The latest deadline that can be expired or late at `now`: the job reads no further. */
export const dueBy = (now: Date, reminderWindowDays: number): Date =>
  new Date(now.getTime() + reminderWindowDays * DAY_MS);
