import { describe, expect, it } from 'vitest';
import { humanDeadline, reminderEmail, timeLeft } from '#shared/registrations/reminder-email';

const HOUR = 3_600_000;

describe('reminder email', () => {
  it('says how much time is left, rounded down', () => {
    expect(timeLeft(2 * 24 * HOUR)).toBe('2 days');
    expect(timeLeft(24 * HOUR + 3 * HOUR + 59 * 60_000)).toBe('1 day and 3 hours');
    expect(timeLeft(5 * HOUR)).toBe('5 hours');
    expect(timeLeft(HOUR)).toBe('1 hour');
    expect(timeLeft(59 * 60_000)).toBe('less than an hour');
  });

  it('writes the deadline for people, in UTC', () => {
    expect(humanDeadline(new Date('2026-11-25T14:30:00Z'))).toBe('Wednesday 25 November 2026 at 14:30 UTC');
    expect(humanDeadline(new Date('2027-01-01T00:05:00Z'))).toBe('Friday 1 January 2027 at 00:05 UTC');
  });

  const email = reminderEmail(
    {
      activity: 'Judo <script>alert(1)</script>',
      studentName: 'O\'Brien & "Co"',
      paymentDeadline: '2026-11-25T14:30:00.000Z',
    },
    new Date('2026-11-24T10:00:00Z'),
  );

  it('names the activity, the time left and the deadline in text and HTML', () => {
    expect(email.subject).toBe('Payment reminder: Judo <script>alert(1)</script>');
    expect(email.text).toContain('"Judo <script>alert(1)</script>"');
    expect(email.text).toContain(
      'You have 1 day and 4 hours left: please pay by Wednesday 25 November 2026 at 14:30 UTC.',
    );
    expect(email.html).toContain('<strong>1 day and 4 hours</strong>');
  });

  it('escapes every user-provided field in the HTML', () => {
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Judo &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(email.html).toContain('O&#39;Brien &#38; &#34;Co&#34;');
  });

  it('keeps the subject on one line, whatever the activity holds', () => {
    const injected = reminderEmail(
      { activity: 'Yoga\r\nBcc: someone@example.com', paymentDeadline: '2026-11-25T14:30:00.000Z' },
      new Date(),
    );
    expect(injected.subject).not.toMatch(/[\r\n]/);
  });

  it('greets without a name when there is none', () => {
    expect(
      reminderEmail({ activity: 'Yoga', paymentDeadline: '2026-11-25T14:30:00.000Z' }, new Date()).text,
    ).toMatch(/^Hello,\n/);
  });
});
