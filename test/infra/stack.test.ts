import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PistusStack } from '#infra/pistus-stack';
import { apiFunctions, routeKeys } from '#infra/routes';
import { parseStackSettings, type StackSettings } from '#infra/stack-settings';

/** Synthesizes without bundling (no esbuild run per function), which is all these assertions need. */
function synth(context: Record<string, string> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const settings: StackSettings = parseStackSettings(context);
  return Template.fromStack(new PistusStack(app, 'Test', { settings }));
}

type Statement = { Action: string | string[]; Resource: unknown };
const logicalPrefix = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

let template: Template;
beforeAll(() => {
  template = synth();
});

/** The actions a function's role may take, per table (by logical id) and per secret. */
function permissions(functionName: string) {
  const policies = template.findResources('AWS::IAM::Policy');
  const statements = Object.entries(policies)
    .filter(([id]) => id.startsWith(`${logicalPrefix(functionName)}Function`))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
  const on = (resourceIdPrefix: string) =>
    new Set(
      statements
        .filter((s) => JSON.stringify(s.Resource).includes(resourceIdPrefix))
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
  return {
    users: on('userstable'),
    sessions: on('sessionstable'),
    pepper: on('PasswordPepper'),
    signing: on('SigningKeys'),
  };
}

describe('the API', () => {
  it('routes exactly the declared keys, the same set the local runtime serves', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual(routeKeys().sort());
    expect(keys).toContain('$default');
  });

  it('has one function per declared handler, on Node.js 24 arm64, with the declared memory', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(apiFunctions.length);
    for (const declaration of apiFunctions) {
      const [, fn] =
        Object.entries(functions).find(([id]) => id.startsWith(logicalPrefix(declaration.name))) ?? [];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: declaration.memoryMb,
      });
    }
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', {});
  });

  it('allows no cross-origin browser calls unless origins are configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    synth({ allowedOrigins: 'https://app.example.com' }).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com'],
        AllowCredentials: true,
      }),
    });
  });
});

describe('the tables', () => {
  it('are on-demand with point-in-time recovery', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
  });

  it('keys users by the lower-cased name and expires sessions by TTL, with a by-user index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'usernameKey', KeyType: 'HASH' }],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'sid', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byUser' })],
    });
  });

  it('are destroyed with a dev stack and retained, deletion-protected, in prod', () => {
    for (const table of Object.values(template.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect(table.DeletionPolicy).toBe('Delete');
    }
    const prod = synth({ stage: 'prod' });
    for (const table of Object.values(prod.findResources('AWS::DynamoDB::GlobalTable'))) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
    }
  });
});

describe('least privilege', () => {
  it('lets check_session and home only read sessions, and never touch users or the pepper', () => {
    for (const name of ['check-session', 'home']) {
      const { users, sessions, pepper } = permissions(name);
      expect(users.size, name).toBe(0);
      expect(pepper.size, name).toBe(0);
      expect(
        [...sessions].some((action) => /Put|Delete|Update|BatchWrite/.test(action)),
        name,
      ).toBe(false);
      expect(sessions.has('dynamodb:GetItem'), name).toBe(true);
    }
  });

  it('lets login read users but not write them, and write sessions', () => {
    const { users, sessions } = permissions('login');
    expect(users.has('dynamodb:GetItem')).toBe(true);
    expect([...users].some((action) => /Put|Delete|Update|BatchWrite/.test(action))).toBe(false);
    expect(sessions.has('dynamodb:PutItem')).toBe(true);
  });

  it('lets signup write users and sessions, and read neither', () => {
    const { users, sessions } = permissions('signup');
    expect(users.has('dynamodb:PutItem')).toBe(true);
    expect(sessions.has('dynamodb:PutItem')).toBe(true);
    expect(users.has('dynamodb:GetItem') || sessions.has('dynamodb:GetItem')).toBe(false);
  });

  it('lets logout only delete sessions', () => {
    const { users, sessions, pepper } = permissions('logout');
    expect(users.size + pepper.size).toBe(0);
    expect(sessions.has('dynamodb:DeleteItem')).toBe(true);
    expect(sessions.has('dynamodb:GetItem')).toBe(false);
  });

  it('gives the pepper only to the functions that hash passwords, and the signing keys to all that need them', () => {
    for (const declaration of apiFunctions) {
      const { pepper, signing } = permissions(declaration.name);
      expect(pepper.has('secretsmanager:GetSecretValue'), declaration.name).toBe(
        declaration.secrets.includes('password-pepper'),
      );
      expect(signing.has('secretsmanager:GetSecretValue'), declaration.name).toBe(
        declaration.secrets.includes('signing-keys'),
      );
    }
  });

  it('puts no secret value in any environment, only secret ARNs', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      expect(env.SIGNING_KEYS).toBeUndefined();
      expect(env.PASSWORD_PEPPER).toBeUndefined();
      expect(env.SIGNING_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^SigningKeys/) });
    }
  });
});

describe('stack settings', () => {
  it('fail the synth naming a bad setting', () => {
    expect(() => parseStackSettings({ stage: 'staging' })).toThrow(/stage/);
    expect(() => parseStackSettings({ bcryptCost: '8' })).toThrow(/bcryptCost/);
  });
});
