import { describe, expect, it } from 'vitest';
import { signupBodySchema } from '#shared/auth/credentials';
import { fieldProblems } from '#shared/http/validation';

const schema = signupBodySchema(8);
const problems = (body: unknown) => {
  const result = schema.safeParse(body);
  return result.success ? {} : fieldProblems(result.error, body);
};

describe('signup rules', () => {
  it.each(['abc', 'A.b_c-9', 'x'.repeat(32)])('accept the username %s', (username) => {
    expect(problems({ username, password: 'p'.repeat(8) })).toEqual({});
  });

  it.each(['ab', 'x'.repeat(33), 'a b', 'añb', 'a@b', ''])('refuse the username %j', (username) => {
    expect(problems({ username, password: 'p'.repeat(8) })).toEqual({
      username: 'must be 3-32 characters of A-Z a-z 0-9 . _ -',
    });
  });

  it('count password length in characters, not UTF-16 units or bytes', () => {
    expect(problems({ username: 'abc', password: '🔐'.repeat(8) })).toEqual({});
    expect(problems({ username: 'abc', password: '🔐'.repeat(7) })).toEqual({
      password: 'must be at least 8 characters',
    });
    expect(problems({ username: 'abc', password: '🔐'.repeat(256) })).toEqual({});
    expect(problems({ username: 'abc', password: '🔐'.repeat(257) })).toEqual({
      password: 'must be at most 256 characters',
    });
  });

  it('name each missing, unknown or mismatched field', () => {
    expect(problems({})).toEqual({ username: 'is required', password: 'is required' });
    expect(problems({ username: 'abc', password: 'p'.repeat(8), role: 'admin' })).toEqual({
      role: 'is not an accepted field',
    });
    expect(
      problems({ username: 'abc', password: 'p'.repeat(8), password_confirmation: 'q'.repeat(8) }),
    ).toEqual({
      password_confirmation: 'does not match password',
    });
    expect(problems('a string')).toEqual({ body: 'must be a JSON object' });
    expect(problems({ username: 1, password: true })).toEqual({
      username: 'must be a string',
      password: 'must be a string',
    });
  });

  it('follow the configured minimum length', () => {
    const strict = signupBodySchema(15).safeParse({ username: 'abc', password: 'p'.repeat(14) });
    expect(strict.success).toBe(false);
  });
});
