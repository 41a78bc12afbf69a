import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addStages } from '#infra/stages';

const app = (context: Record<string, string> = {}) =>
  new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
const errors = (stack: Stack | undefined) =>
  Annotations.fromStack(stack as Stack).findError('*', Match.anyValue());

describe('the stages of the app', () => {
  it('are both in the app, so cdk ls shows Pistus-dev and Pistus-prod', () => {
    expect(addStages(app()).map((stack) => stack.stackName)).toEqual(['Pistus-dev', 'Pistus-prod']);
  });

  it('refuse prod with the placeholder sender, naming the setting, and leave dev deployable', () => {
    const [dev, prod] = addStages(app());
    expect(errors(dev)).toEqual([]);
    expect(JSON.stringify(errors(prod))).toContain('senderEmail');
    const [, named] = addStages(
      app({ senderEmail: 'payments@pistus.example', appUrl: 'https://app.pistus.example' }),
    );
    expect(errors(named)).toEqual([]);
  });

  it('are one stage alone with -c stage=<stage>, as the scripts synthesize them', () => {
    expect(addStages(app({ stage: 'prod' })).map((stack) => stack.stackName)).toEqual(['Pistus-prod']);
  });

  it('are listed by the CDK CLI itself', () => {
    // Its own output folder: `cdk ls` writes an assembly without bundles, which must not pass for cdk.out.
    const output = mkdtempSync(join(tmpdir(), 'pistus-cdk-ls-'));
    const listed = execFileSync('npx', ['cdk', 'ls', '--output', output], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(listed.trim().split('\n')).toEqual(['Pistus-dev', 'Pistus-prod']);
  }, 60_000);
});
