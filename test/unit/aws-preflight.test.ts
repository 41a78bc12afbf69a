import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsPreflightProblem } from '../../scripts/aws-preflight.mjs';

const emptyHome = () => mkdtempSync(join(tmpdir(), 'pistus-home-'));

describe('the AWS preflight of npm run deploy and npm run diff', () => {
  it('stops at once, before any bundling, naming what to set', () => {
    const result = spawnSync(process.execPath, ['scripts/aws-preflight.mjs'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: emptyHome() },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('AWS_PROFILE');
    expect(result.stderr).toContain('AWS_REGION');
  });

  it('names the missing half', () => {
    const home = emptyHome();
    expect(awsPreflightProblem({ AWS_REGION: 'eu-west-1' }, home)).toContain('No AWS credentials');
    expect(awsPreflightProblem({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, home)).toContain(
      'set AWS_REGION',
    );
    expect(awsPreflightProblem({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_REGION: 'eu-west-1' }, home)).toBeUndefined();
  });

  it('accepts a profile that has both, from ~/.aws/config', () => {
    const home = emptyHome();
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'config'),
      '[profile ops]\nsso_session = corp\nsso_account_id = 123456789012\nregion = eu-west-1\n',
    );
    expect(awsPreflightProblem({ AWS_PROFILE: 'ops' }, home)).toBeUndefined();
    expect(awsPreflightProblem({ AWS_PROFILE: 'other' }, home)).toContain('No AWS credentials or region');
  });
});
