import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '#shared/platform/config';

describe('the README settings table', () => {
  it('lists exactly the settings the functions read', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(
      readme.indexOf('## Settings'),
      readme.indexOf('The local runtime (`npm start`) has its own'),
    );
    const documented = [...section.matchAll(/^\| `([A-Z_]+)`/gm)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...SETTING_NAMES].sort());
  });
});
