import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { checkWithCdkNag } from '#infra/nag';
import { METRICS_PER_ALARM } from '#infra/constructs/alarms';
import type * as Routes from '#infra/routes';
import { allFunctions, apiFunctions } from '#infra/routes';
import {
  describeProblems,
  environmentBytes,
  LIMITS,
  policyCharacters,
  REFERENCE_LENGTH,
  type TemplateJson,
  templateProblems,
} from '#infra/template-limits';
import { synth } from './synth.ts';

// The stack as it would be with some API functions fewer: what each one costs, measured.
const without = vi.hoisted(() => ({ names: new Set<string>() }));
vi.mock('#infra/routes', async (importOriginal) => {
  const actual = await importOriginal<typeof Routes>();
  return {
    ...actual,
    get apiFunctions() {
      return actual.apiFunctions.filter((declaration) => !without.names.has(declaration.name));
    },
  };
});

/** 60% of CloudFormation's 500: what a stage may hold today, leaving room to grow. */
const BUDGET = 300;
/**
 * The API functions this round still adds, by issue, each its own function: sign-in by email code
 * (`POST /login/email`, `POST /login/email/verify`). Events and webhooks add a publisher and a sender,
 * not API functions; identity providers (5), the account's whole life (9) and tokens for other services
 * (3) are built and counted in the template itself. The first estimate was 25 new routes; 19 is
 * what the contracts name.
 */
const ROUND_REMAINING_FUNCTIONS = { emailCodes: 2 };
const MORE_FUNCTIONS = Object.values(ROUND_REMAINING_FUNCTIONS).reduce((sum, count) => sum + count, 0);
/**
 * Events and webhooks, estimated: the bus and its rule, the webhook queue and its dead-letter queue with
 * their policies, the publisher and the sender (function and role each), its event source mapping.
 */
const EVENTS_RESOURCES = 11;

const STAGES = ['dev', 'prod'] as const;
const templates = {} as Record<(typeof STAGES)[number], TemplateJson>;
const resourceCount = (template: TemplateJson) => Object.keys(template.Resources ?? {}).length;

beforeAll(() => {
  for (const stage of STAGES) templates[stage] = synth({ stage }).toJSON() as TemplateJson;
});

describe.each(STAGES)('the %s template', (stage) => {
  it("breaks none of AWS's hard limits (resources, outputs, role policy size, environment size, routes, integrations, alarm math)", () => {
    expect(describeProblems(templateProblems(templates[stage]))).toBe('');
  });

  it(`holds at most ${BUDGET} resources`, () => {
    const count = resourceCount(templates[stage]);
    console.info(`${stage}: ${count} resources (CloudFormation takes 500; the budget is ${BUDGET})`);
    expect(count).toBeLessThanOrEqual(BUDGET);
  });
});

describe('room to grow', () => {
  const alarms = (template: TemplateJson) =>
    Object.values(template.Resources ?? {}).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
      .length;
  /** Function alarms come three (errors, throttles, p99 duration) per group of up to 10 functions. */
  const functionAlarms = (functions: number) => 3 * Math.ceil(functions / METRICS_PER_ALARM);

  it(`costs 4 resources per single-route API function and 3 alarms per 10: this round's remaining routes and its events still fit in ${BUDGET}`, () => {
    const dropped = apiFunctions
      .filter((declaration) => declaration.routes.length === 1 && declaration.name !== 'not-found')
      .slice(0, 10)
      .map((declaration) => declaration.name);
    expect(dropped).toHaveLength(10);
    without.names = new Set(dropped);
    let fewer: TemplateJson;
    try {
      fewer = synth().toJSON() as TemplateJson;
    } finally {
      without.names = new Set();
    }
    const full = templates.dev;
    const functions = allFunctions().length;
    // Its function, role, integration and route; its alarms are shared with up to 9 others.
    const perFunction = (resourceCount(full) - alarms(full) - (resourceCount(fewer) - alarms(fewer))) / 10;
    expect(perFunction).toBe(4);
    expect(alarms(full) - alarms(fewer)).toBe(functionAlarms(functions) - functionAlarms(functions - 10));
    console.info(
      `${(resourceCount(full) - resourceCount(fewer)) / 10} resources per single-route API function ` +
        `(${resourceCount(full)} → ${resourceCount(fewer)} without 10 of them)`,
    );
    for (const stage of STAGES) {
      const projected =
        resourceCount(templates[stage]) +
        MORE_FUNCTIONS * perFunction +
        EVENTS_RESOURCES +
        functionAlarms(functions + MORE_FUNCTIONS) -
        functionAlarms(functions);
      console.info(
        `${stage}: ${projected} resources with ${MORE_FUNCTIONS} more single-route API functions and the events`,
      );
      expect(projected, stage).toBeLessThanOrEqual(BUDGET);
    }
  });
});

describe('the limits check', () => {
  it('fails the synth, as a cdk-nag finding does', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    checkWithCdkNag(app);
    const stack = new Stack(app, 'Crowded');
    for (let index = 0; index <= LIMITS.httpApiIntegrations; index++)
      new CfnResource(stack, `Integration${index}`, {
        type: 'AWS::ApiGatewayV2::Integration',
        properties: { ApiId: 'api', IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://example.com' },
      });
    expect(() => Template.fromStack(stack)).toThrow(/httpApiIntegrations: 301, where AWS takes at most 300/);
  });

  type Resource = NonNullable<TemplateJson['Resources']>[string];
  const dev = () => {
    const template = structuredClone(templates.dev);
    const resources = template.Resources ?? {};
    const find = (test: (id: string, resource: Resource) => boolean): [string, Resource] => {
      const found = Object.entries(resources).find(([id, resource]) => test(id, resource));
      if (!found) throw new Error('no such resource in the template');
      return found;
    };
    return { template, resources, find };
  };
  const limits = (template: TemplateJson) => templateProblems(template).map((problem) => problem.limit);

  it('fails a template of 501 resources', () => {
    const { template, resources } = dev();
    for (let index = resourceCount(template); index < 501; index++)
      resources[`Padding${index}`] = { Type: 'AWS::SNS::Topic' };
    expect(templateProblems(template)).toEqual([
      { limit: 'resources', subject: 'stack', actual: 501, max: LIMITS.resources },
    ]);
  });

  it('fails a function whose environment is over 4 KB, each unresolved Ref counted at its longest', () => {
    const { template, find } = dev();
    const [id, fn] = find((key) => key.startsWith('homeFunction'));
    const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    // Exactly at the limit: it fits.
    variables.PADDING = '';
    variables.PADDING = 'x'.repeat(LIMITS.functionEnvironmentBytes - environmentBytes(variables));
    expect(templateProblems(template)).toEqual([]);
    // A table name CloudFormation fills in, counted as REFERENCE_LENGTH characters, does not.
    variables.PADDING = 'x'.repeat(String(variables.PADDING).length - REFERENCE_LENGTH);
    variables.T = { Ref: 'usersTable' };
    expect(templateProblems(template)).toEqual([
      {
        limit: 'functionEnvironmentBytes',
        subject: id,
        actual: LIMITS.functionEnvironmentBytes + 1,
        max: LIMITS.functionEnvironmentBytes,
      },
    ]);
  });

  it('fails a role whose policies are over 10,240 characters, inline and attached together', () => {
    const { template, resources, find } = dev();
    const [roleId, role] = find(
      (key, resource) => key.startsWith('homeRole') && resource.Type === 'AWS::IAM::Role',
    );
    const statements = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['usersTable', 'Arn'] }, `/index/i${from + index}`]] },
      }));
    const [inline] = role.Properties?.Policies as { PolicyDocument: { Statement: unknown[] } }[];
    const room = LIMITS.rolePolicyCharacters - policyCharacters(inline?.PolicyDocument);
    // Each half fits alone; together they do not.
    const half = Math.ceil(room / 2 / policyCharacters(statements(100, 1)[0]));
    inline?.PolicyDocument.Statement.push(...statements(100, half));
    expect(limits(template)).toEqual([]);
    resources.Attached = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'attached',
        Roles: [{ Ref: roleId }],
        PolicyDocument: { Version: '2012-10-17', Statement: statements(200, half) },
      },
    };
    expect(templateProblems(template)).toEqual([
      expect.objectContaining({ limit: 'rolePolicyCharacters', subject: roleId }),
    ]);
  });

  it('fails over 300 routes on one HTTP API, a function name over 64 characters, and an alarm over 10 metrics', () => {
    const { template, resources, find } = dev();
    const [routeId, route] = find((_, resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
    for (let index = 0; index < LIMITS.httpApiRoutes; index++)
      resources[`${routeId}${index}`] = structuredClone(route);
    const [, fn] = find((key) => key.startsWith('homeFunction'));
    if (fn.Properties) fn.Properties.FunctionName = 'f'.repeat(LIMITS.functionNameCharacters + 1);
    const [, alarm] = find((key) => key.startsWith('Alarmsfunctions1errors'));
    const metrics = alarm.Properties?.Metrics as { MetricStat?: unknown }[];
    const stat = metrics.find((query) => query.MetricStat) ?? {};
    while (metrics.filter((query) => query.MetricStat).length <= LIMITS.alarmMetrics)
      metrics.push(structuredClone(stat));
    // The 300 copied routes take the template past 500 resources too: that limit is checked above.
    expect(
      limits(template)
        .filter((limit) => limit !== 'resources')
        .sort(),
    ).toEqual(['alarmMetrics', 'functionNameCharacters', 'httpApiRoutes']);
  });
});
