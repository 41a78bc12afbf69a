import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signupBodySchema } from '#shared/auth/credentials';
import { fieldProblems } from '#shared/http/validation';
import { containsUsername, isCommonPassword, passwordProblem } from '#shared/auth/password-policy';
import { commonPasswordsModule } from '../../scripts/common-passwords.ts';

describe('password policy', () => {
  it.each(['password', 'Password', 'PASSWORD', 'qwertyuiop', 'iloveyou', 'sunshine1', '１２３４５６７８'])(
    'refuses %j: one of the 10,000 most common (any case, NFKC)',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['correct horse battery staple', 'Tr0ub4dor&3xq', 'пароль-для-pistus'])(
    'accepts %j',
    (password) => {
      expect(passwordProblem(password, 'someone')).toBeUndefined();
    },
  );

  it('refuses a password that contains the username, in any case', () => {
    expect(containsUsername('my name is Ada.Lovelace!', 'ada.lovelace')).toBe(true);
    expect(passwordProblem('xxADA_99xx and more', 'ada_99')).toBe('must not contain the username');
  });

  it('has no composition rules: letters only, long, is fine', () => {
    expect(passwordProblem('thisisalongpassphrasewithoutdigits', 'someone')).toBeUndefined();
  });

  it('names the field and the reason in the signup error', () => {
    const result = signupBodySchema(8).safeParse({ username: 'someone', password: 'iloveyou' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(fieldProblems(result.error, {})).toEqual({
        password: 'is one of the 10,000 most common passwords; choose another',
      });
    }
  });

  it('ships the list the generator makes from @zxcvbn-ts/language-common', () => {
    const committed = readFileSync(
      new URL('../../shared/auth/common-passwords.data.ts', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(commonPasswordsModule());
  });
});
