import { describe, expect, it } from 'vitest';
import { parseImport } from '#shared/auth/account-import';

const hash = (prefix = '$2b$') => `${prefix}10$${'N'.repeat(53)}`;

describe('importing users with their existing hashes', () => {
  it('reads JSON lines, with hash or password_hash', () => {
    const text = [
      JSON.stringify({ username: 'ada', hash: hash() }),
      JSON.stringify({ username: 'bob', password_hash: hash('$2y$') }),
    ].join('\n');
    expect(parseImport(text)).toEqual({
      rows: [
        { line: 1, username: 'ada', hash: hash() },
        { line: 2, username: 'bob', hash: hash('$2y$') },
      ],
      problems: [],
    });
  });

  it('reads CSV with or without a header, quoted or not (as psql \\copy ... csv header writes it)', () => {
    const text = `username,password_hash\nada,${hash('$2a$')}\n"bob","${hash()}"\n`;
    expect(parseImport(text).rows.map((r) => [r.line, r.username])).toEqual([
      [2, 'ada'],
      [3, 'bob'],
    ]);
  });

  it('reports each bad row by line number and keeps the good ones', () => {
    const text = [
      `good_one,${hash()}`,
      'no-hash-here',
      `x,${hash()}`,
      `plain,not-a-hash`,
      '{"username": "broken"',
      `Good_One,${hash()}`,
      '',
      `also_good,${hash('$2y$')}`,
    ].join('\n');
    const { rows, problems } = parseImport(text);
    expect(rows.map((r) => r.username)).toEqual(['good_one', 'also_good']);
    expect(problems).toEqual([
      { line: 2, reason: 'needs two columns: username,hash' },
      { line: 3, reason: 'username must be 3-32 characters of A-Z a-z 0-9 . _ -' },
      { line: 4, reason: 'hash is not a bcrypt hash ($2a$, $2b$ or $2y$)' },
      { line: 5, reason: 'not valid JSON' },
      { line: 6, reason: 'username Good_One appears twice' },
    ]);
  });
});
