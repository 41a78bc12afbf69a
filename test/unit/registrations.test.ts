import { describe, expect, it } from 'vitest';
import {
  createRegistrationSchema,
  decodeCursor,
  encodeCursor,
  listQuerySchema,
  publicRegistration,
} from '#shared/registrations/registrations';

describe('registration input', () => {
  it('accepts an activity of 1 to 100 characters, an email and an optional student name', () => {
    expect(createRegistrationSchema.safeParse({ activity: 'a', email: 'a@b.co' }).success).toBe(true);
    expect(
      createRegistrationSchema.safeParse({ activity: 'a'.repeat(100), email: 'a@b.co', studentName: 'S' })
        .success,
    ).toBe(true);
  });

  it('trims the activity, so blank ones are refused', () => {
    expect(createRegistrationSchema.safeParse({ activity: '  Yoga  ', email: 'a@b.co' }).data?.activity).toBe(
      'Yoga',
    );
    expect(createRegistrationSchema.safeParse({ activity: '   ', email: 'a@b.co' }).success).toBe(false);
  });

  it.each(['', 'plain', 'a@', '@b.co', 'a b@c.co'])('refuses the email %j', (email) => {
    expect(createRegistrationSchema.safeParse({ activity: 'Yoga', email }).success).toBe(false);
  });
});

describe('listing parameters', () => {
  it('round-trips a cursor', () => {
    const key = { id: '3f0b4f4e-8a59-4c44-9d63-0c3f6f3a8a11', registeredAt: '2026-06-01T10:00:00.000Z' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it.each([
    '',
    '!!!',
    Buffer.from('{"id":"x","registeredAt":"y"}').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
  ])('refuses the cursor %j with 400 invalid_cursor', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({ kind: 'invalid', code: 'invalid_cursor' }),
    );
  });

  it("takes a limit of 1 to 100 (the default of 20 is the domain's), and ignores other parameters", () => {
    expect(listQuerySchema.parse({})).toEqual({});
    expect(listQuerySchema.parse({ limit: '1' })).toEqual({ limit: 1 });
    expect(listQuerySchema.parse({ limit: '100', cursor: 'c', _: '1' })).toEqual({ limit: 100, cursor: 'c' });
    for (const bad of ['0', '101', '1e2', ' 5', '', '05'])
      expect(listQuerySchema.safeParse({ limit: bad }).error?.issues[0]?.message).toBe(
        'must be a whole number from 1 to 100',
      );
  });

  it('never shows the owner id or reminder bookkeeping', () => {
    const shown = publicRegistration({
      id: 'i',
      ownerId: 'o',
      activity: 'a',
      email: 'e',
      registeredAt: 'r',
      paymentDeadline: 'p',
      paid: false,
      reminderSentAt: 's',
    });
    expect(shown).toEqual({
      id: 'i',
      activity: 'a',
      email: 'e',
      registeredAt: 'r',
      paymentDeadline: 'p',
      paid: false,
    });
  });
});
