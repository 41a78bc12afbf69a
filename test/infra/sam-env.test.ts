import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { deploymentFrom, samEnvVars } from '#infra/cli/sam-env-vars';
import { PistusStack } from '#infra/pistus-stack';
import { allFunctions } from '#infra/routes';
import { parseStackSettings } from '#infra/stack-settings';

const template = Template.fromStack(
  new PistusStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Pistus-dev', {
    settings: parseStackSettings({}),
  }),
).toJSON() as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

// A deployed stage as CloudFormation lists it: every logical id with a physical id of its own.
const stackId = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Pistus-dev/0f0e0d0c';
const physical = (id: string, type: string) =>
  type === 'AWS::SecretsManager::Secret'
    ? `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-AbCdEf`
    : `Pistus-dev-${id}-PHYS`;
const deployment = deploymentFrom(
  stackId,
  Object.entries(template.Resources).map(([id, resource]) => ({
    LogicalResourceId: id,
    PhysicalResourceId: physical(id, resource.Type),
  })),
);
const file = samEnvVars(template, deployment);

describe('the SAM env-vars file (npm run sam:env)', () => {
  it("has an entry for every function of the product, by logical id, and none for CDK's own provider", () => {
    expect(Object.keys(file)).toHaveLength(allFunctions().length);
    for (const fn of allFunctions())
      expect(Object.keys(file).some((id) => id.startsWith(fn.name.replace(/-/g, '')))).toBe(true);
  });

  it('gives every variable the template declares, and only those (SAM ignores the rest)', () => {
    for (const [id, variables] of Object.entries(file)) {
      const declared = Object.keys(
        (template.Resources[id]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables,
      );
      expect(Object.keys(variables).sort()).toEqual(declared.sort());
    }
  });

  it('resolves secrets to the deployed ARNs and tables to their physical names, never a logical id', () => {
    const values = Object.values(file).flatMap((variables) => Object.values(variables));
    for (const value of values) {
      expect(typeof value).toBe('string');
      expect(Object.keys(template.Resources)).not.toContain(value);
    }
    const login = Object.entries(file).find(([id]) => id.startsWith('loginFunction'))?.[1];
    expect(login?.SIGNING_SECRET_ARN).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:SigningKeys/,
    );
    expect(login?.PEPPER_SECRET_ARN).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:PasswordPepper/,
    );
    expect(login?.USERS_TABLE).toMatch(/^Pistus-dev-userstable.+-PHYS$/);
    expect(login?.REGISTRATIONS_TABLE).toBeUndefined();
  });
});
