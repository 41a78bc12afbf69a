import { describe, expect, it } from 'vitest';
import { emailKey, emailSchema } from '#shared/auth/email-address';
import { forgotPasswordSchema } from '#shared/auth/credentials';

describe('an email address', () => {
  it('keeps the local part as typed and lower-cases the domain', () => {
    expect(emailSchema.parse('Ada.Lovelace+pistus@Example.ORG')).toBe('Ada.Lovelace+pistus@example.org');
  });

  it('is unique without regard to case', () => {
    expect(emailKey('Ada@Example.org')).toBe(emailKey('ada@example.ORG'));
  });

  it.each([
    ['not an address', 'must be an email address'],
    ['a@', 'must be an email address'],
    ['@example.com', 'must be an email address'],
    ['two@@example.com', 'must be an email address'],
    ['spaces in@example.com', 'must be an email address'],
    [`${'a'.repeat(243)}@example.com`, 'must be at most 254 characters'],
  ])('refuses %j: %s', (input, problem) => {
    const result = emailSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain(problem);
  });

  it('accepts one of exactly 254 characters', () => {
    const address = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
    expect(address).toHaveLength(254);
    expect(emailSchema.safeParse(address).success).toBe(true);
  });
});

describe('"forgot password" asks for one thing', () => {
  it.each([[{}], [{ email: 'a@example.com', username: 'ada' }]])('refuses %j, naming the field', (body) => {
    const result = forgotPasswordSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('give either email or username, not both');
  });

  it('takes an address or a username', () => {
    expect(forgotPasswordSchema.parse({ email: 'a@Example.com' })).toEqual({ email: 'a@example.com' });
    expect(forgotPasswordSchema.parse({ username: 'ada' })).toEqual({ username: 'ada' });
  });
});
