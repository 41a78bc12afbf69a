import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PistusStack } from '#infra/pistus-stack';
import { parseStackSettings } from '#infra/stack-settings';

/** docs/deploy.md's teardown table: resource → [dev, prod], each "kept" or "deleted…". */
function documentedTable(): Map<string, { dev: string; prod: string }> {
  const text = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
  const start = text.indexOf('## 8. Teardown');
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| resource') && !line.startsWith('| ---'))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  return new Map(rows.map(([, resource = '', dev = '', prod = '']) => [resource, { dev, prod }]));
}

/** Which template resources each row of the table is about. */
const ROWS: Record<string, (id: string, type: string) => boolean> = {
  'DynamoDB tables': (_, type) => type === 'AWS::DynamoDB::GlobalTable',
  'signing-keys secret': (id, type) => type === 'AWS::SecretsManager::Secret' && id.startsWith('SigningKeys'),
  'pepper secret': (id, type) => type === 'AWS::SecretsManager::Secret' && id.startsWith('PasswordPepper'),
  'MFA key secret': (id, type) => type === 'AWS::SecretsManager::Secret' && id.startsWith('MfaKey'),
  'mail key secret': (id, type) => type === 'AWS::SecretsManager::Secret' && id.startsWith('MailKey'),
  'dead-letter queue': (_, type) => type === 'AWS::SQS::Queue',
  'topic keys (KMS)': (_, type) => type === 'AWS::KMS::Key',
  'log groups': (_, type) => type === 'AWS::Logs::LogGroup',
};

const resources = (stage: 'dev' | 'prod') => {
  const settings = parseStackSettings({
    stage,
    senderEmail: 'payments@pistus.example',
    appUrl: 'https://app.pistus.example',
  });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Object.entries(
    Template.fromStack(new PistusStack(app, `Pistus-${stage}`, { settings })).toJSON().Resources,
  ) as [string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }][];
};

describe('teardown, as docs/deploy.md documents it', () => {
  const table = documentedTable();

  it('documents every kind of resource that holds data or keys', () => {
    expect([...table.keys()].sort()).toEqual(Object.keys(ROWS).sort());
  });

  it.each(['dev', 'prod'] as const)("matches the %s template's deletion policies", (stage) => {
    const all = resources(stage);
    for (const [row, selects] of Object.entries(ROWS)) {
      const kept = table.get(row)?.[stage].startsWith('kept');
      const selected = all.filter(([id, resource]) => selects(id, resource.Type));
      expect(selected.length, row).toBeGreaterThan(0);
      for (const [id, resource] of selected)
        expect({ row, id, policy: resource.DeletionPolicy ?? 'Delete' }).toEqual({
          row,
          id,
          policy: kept ? 'Retain' : 'Delete',
        });
    }
  });
});
