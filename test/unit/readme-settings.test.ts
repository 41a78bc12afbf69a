import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_SETTINGS } from '#infra/stack-settings';
import { SETTING_NAMES } from '#shared/platform/config';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(
  readme.indexOf('## Settings'),
  readme.indexOf('The local runtime (`npm start`) has its own'),
);

describe('the README settings table', () => {
  it('lists exactly the settings the functions read', () => {
    const documented = [...section.matchAll(/^\| `([A-Z_]+)`/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('marks each setting the stack sets from a context setting with that setting, `(stack: name)`', () => {
    const marked = [...section.matchAll(/^\| `([A-Z_]+)` *\|[^|]*stack: `(\w+)`/gm)].map(
      ([, setting, name]) => [name, setting],
    );
    expect(Object.fromEntries(marked)).toEqual(FUNCTION_SETTINGS);
  });
});
