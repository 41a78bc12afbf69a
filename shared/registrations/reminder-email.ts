import { DAY_MS } from '#shared/registrations/deadline-rules';
import { escapeHtml } from '#shared/platform/mailer';

export interface ReminderEmail {
  subject: string;
  text: string;
  html: string;
}

const HOUR_MS = 60 * 60 * 1000;

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** "2 days and 3 hours", "5 hours", "less than an hour": rounded down, never promising more time than there is. */
export function timeLeft(milliseconds: number): string {
  const days = Math.floor(milliseconds / DAY_MS);
  const hours = Math.floor((milliseconds % DAY_MS) / HOUR_MS);
  if (days === 0 && hours === 0) return 'less than an hour';
  if (days === 0) return plural(hours, 'hour');
  return hours === 0 ? plural(days, 'day') : `${plural(days, 'day')} and ${plural(hours, 'hour')}`;
}

const formatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "Wednesday 25 November 2026 at 14:30 UTC". */
export function humanDeadline(date: Date): string {
  const parts = formatter.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')} at ${part('hour')}:${part('minute')} UTC`;
}

/** The reminder for a registration whose deadline is near. Every user-provided field is escaped in the HTML. */
export function reminderEmail(
  registration: { activity: string; studentName?: string; paymentDeadline: string },
  now: Date,
): ReminderEmail {
  const deadline = new Date(registration.paymentDeadline);
  const left = timeLeft(deadline.getTime() - now.getTime());
  const when = humanDeadline(deadline);
  const greeting = registration.studentName ? `Hello ${registration.studentName},` : 'Hello,';
  const subject = `Payment reminder: ${registration.activity}`.replace(/[\r\n]+/g, ' ');
  const text = [
    greeting,
    '',
    `Your registration for "${registration.activity}" is not paid yet.`,
    `You have ${left} left: please pay by ${when}.`,
    'Unpaid registrations are cancelled when the deadline passes.',
  ].join('\n');
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>Your registration for <strong>${escapeHtml(registration.activity)}</strong> is not paid yet.</p>`,
    `<p>You have <strong>${escapeHtml(left)}</strong> left: please pay by <strong>${escapeHtml(when)}</strong>.</p>`,
    '<p>Unpaid registrations are cancelled when the deadline passes.</p>',
  ].join('\n');
  return { subject, text, html };
}
