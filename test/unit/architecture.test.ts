import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The project's own dependency rules (npm run lint), run on a small tree written for the test. */
function cruise(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'pistus-architecture-'));
  dirs.push(dir);
  const tree = {
    'tsconfig.json': '{"compilerOptions":{"allowImportingTsExtensions":true,"noEmit":true}}',
    ...files,
  };
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const result = spawnSync(
    join(root, 'node_modules/.bin/depcruise'),
    ['shared', 'functions', '--config', join(root, '.dependency-cruiser.mjs'), '--output-type', 'err'],
    { cwd: dir, encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

const adapters = {
  'shared/http/errors.ts': 'export const e = 1;\n',
  'shared/aws/mailer.ts': 'export const m = 1;\n',
  'shared/data/users.ts': 'export interface UserRecord { id: string }\nexport const t = 1;\n',
  'infra/routes.ts': 'export const r = 1;\n',
};

describe('the dependency rules of npm run lint', () => {
  it('pass a tree that keeps them: the domain names data types only, handlers go through compose', () => {
    const { status, output } = cruise({
      ...adapters,
      'shared/compose/users.ts': "import { t } from '../data/users.ts';\nexport const c = t;\n",
      'shared/auth/accounts.ts':
        "import type { UserRecord } from '../data/users.ts';\nexport type A = UserRecord;\n",
      'functions/signup.ts': "import { c } from '../shared/compose/users.ts';\nexport const h = c;\n",
    });
    expect(output).toContain('no dependency violations');
    expect(status).toBe(0);
  });

  it('fail a forbidden import, naming the rule it breaks', () => {
    const { status, output } = cruise({
      ...adapters,
      'shared/auth/accounts.ts':
        "import { e } from '../http/errors.ts';\nimport { t } from '../data/users.ts';\nexport const a = [e, t];\n",
      'shared/registrations/job.ts': "import { m } from '../aws/mailer.ts';\nexport const j = m;\n",
      'functions/signup.ts':
        "import { t } from '../shared/data/users.ts';\nimport { r } from '../infra/routes.ts';\nexport const h = [t, r];\n",
    });
    expect(status).not.toBe(0);
    for (const rule of [
      'domain-knows-no-http',
      'domain-reads-data-types-only',
      'domain-knows-no-aws',
      'handlers-use-no-adapters',
      'runtime-imports-no-infra',
    ])
      expect(output).toContain(rule);
  });
});
