import { describe, expect, it } from 'vitest';
import { operator } from './operator.ts';

describe('the operator CLIs', () => {
  it.each([
    ['account', ['--help']],
    ['account', ['help']],
    ['deadline', ['--help']],
  ] as const)('print their usage for %s %s and exit 0', (script, args) => {
    const result = operator(script, [...args]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`usage: npm run ${script}`);
  });

  it('refuse --now against a deployed stack before any AWS call, naming --now', () => {
    // No credentials, no region: the refusal must come before anything would need them.
    const result = operator('deadline', ['--stack', 'Pistus-prod', '--now', '2031-01-01T00:00:00Z']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--now');
    expect(result.stderr).toContain('only the local stack');
  });
});
