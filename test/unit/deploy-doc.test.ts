import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DERIVED_FUNCTION_SETTINGS,
  FUNCTION_SETTINGS,
  parseStackSettings,
  STACK_SETTING_NAMES,
} from '#infra/stack-settings';

const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const root = new URL('../../', import.meta.url);

/** Every command in the document's shell blocks (indented ones too), one per line and per `&&`. */
function commands(): string[] {
  const blocks = [...doc.matchAll(/^[ \t]*```sh\n([\s\S]*?)^[ \t]*```/gm)].map((match) => match[1] ?? '');
  return blocks
    .flatMap((block) => block.split('\n'))
    .flatMap((line) => line.replace(/#.*$/, '').split('&&'))
    .map((command) => command.trim())
    .filter(Boolean);
}

/** The coverage table: command → what runs it, or what it needs. */
function coverage(): Map<string, string> {
  const start = doc.indexOf('## Which of these commands the tests run');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  const rows = section
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  return new Map(rows.map(([, command = '', how = '']) => [command.replace(/`/g, ''), how]));
}

describe('docs/deploy.md', () => {
  it('says for every command it gives which test runs it, or what it needs that is not here', () => {
    const table = coverage();
    const uncovered = commands().filter(
      (command) => ![...table.keys()].some((key) => command.startsWith(key)),
    );
    expect(uncovered).toEqual([]);
  });

  it('names only tests that exist', () => {
    for (const [command, how] of coverage()) {
      expect(how, command).toMatch(/^(tested: |needs )/);
      for (const file of how.match(/(?:test|scripts)\/[\w./-]+\.(?:ts|sh)/g) ?? [])
        expect(existsSync(new URL(file, root)), `${command}: ${file}`).toBe(true);
    }
  });

  it('lists every stack setting with the function setting it feeds and, for those, its default', () => {
    const start = doc.indexOf('## 2. Choose the settings');
    const rows = doc
      .slice(start, doc.indexOf('\n## ', start + 1))
      .split('\n')
      .filter((line) => /^\| `/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim().replace(/`/g, '')));
    const table = new Map(
      rows.map(([, name = '', feeds = '', fallback = '']) => [name, { feeds, fallback }]),
    );
    expect([...table.keys()].sort()).toEqual([...STACK_SETTING_NAMES].sort());
    const feeds: Record<string, string> = { ...FUNCTION_SETTINGS, ...DERIVED_FUNCTION_SETTINGS };
    for (const [name, row] of table) expect(row.feeds, name).toBe(feeds[name] ?? '');
    const defaults = parseStackSettings({});
    for (const name of Object.keys(FUNCTION_SETTINGS) as (keyof typeof FUNCTION_SETTINGS)[]) {
      const value = defaults[name];
      expect(table.get(name)?.fallback, name).toBe(
        Array.isArray(value) && !value.length ? 'none' : String(value),
      );
    }
  });
});
