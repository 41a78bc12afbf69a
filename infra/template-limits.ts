/**
 * AWS's hard limits that a synthesized template can break and that neither `cdk synth` nor cfn-lint checks:
 * CloudFormation, IAM, Lambda and API Gateway refuse them only at deploy time, part-way through a deploy.
 * A pure function over the template's JSON: the problems found, none when the stack fits.
 */

/** The hard limits, each with where AWS states it. */
export const LIMITS = {
  /**
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html (CDK's synth
   * refuses a stack over 500 resources too.)
   */
  resources: 500,
  outputs: 200,
  /**
   * A role's inline policies together, whitespace not counted (an AWS::IAM::Policy attached to the role
   * is one of them). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
   */
  rolePolicyCharacters: 10_240,
  /** Keys and values together. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
  functionEnvironmentBytes: 4_096,
  functionNameCharacters: 64,
  /** Per HTTP API. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html */
  httpApiRoutes: 300,
  httpApiIntegrations: 300,
  /**
   * In one alarm's metric math: metrics fetched, and expressions.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
   */
  alarmMetrics: 10,
  alarmExpressions: 10,
} as const;

export type Limit = keyof typeof LIMITS;

export interface TemplateProblem {
  limit: Limit;
  /** The logical id (or the stack) over the limit. */
  subject: string;
  actual: number;
  max: number;
}

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface TemplateJson {
  Resources?: Record<string, TemplateResource>;
  Outputs?: Record<string, unknown>;
}

/**
 * A value CloudFormation fills in at deploy time (`Ref`, `Fn::GetAtt`, an import) counts as this many
 * characters: more than any name, ARN or URL this stack has CloudFormation generate (a generated name is
 * the stack name, the logical id cut short and a 12-character suffix; a Lambda ARN with a 64-character
 * name is 116 characters), so a template that passes here fits on AWS.
 */
export const REFERENCE_LENGTH = 128;

/** Each pseudo parameter at its longest, over AWS's partitions and regions (a region name is 14 or less). */
const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '0'.repeat(12),
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'x'.repeat(16),
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'x'.repeat(128),
  'AWS::StackId': 'x'.repeat(256),
};

const reference = 'x'.repeat(REFERENCE_LENGTH);

/** The value as AWS will see it, each unresolved part at its longest (see REFERENCE_LENGTH). */
export function estimate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(estimate);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::')))
    return estimateIntrinsic(key, argument);
  return Object.fromEntries(entries.map(([name, inner]) => [name, estimate(inner)]));
}

const text = (value: unknown): string => {
  const estimated = estimate(value);
  return typeof estimated === 'string' ? estimated : JSON.stringify(estimated);
};

function estimateIntrinsic(name: string, argument: unknown): unknown {
  switch (name) {
    case 'Ref':
      return PSEUDO[String(argument)] ?? reference;
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown];
      return Array.isArray(parts) ? parts.map(text).join(separator) : reference;
    }
    case 'Fn::Sub': {
      const [template, variables = {}] = (Array.isArray(argument) ? argument : [argument]) as [
        string,
        Record<string, unknown>?,
      ];
      return String(template).replace(/\$\{([^}!]+)\}/g, (_, variable: string) =>
        variable in variables ? text(variables[variable]) : (PSEUDO[variable] ?? reference),
      );
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number, unknown];
      return Array.isArray(list) ? estimate(list[Number(index)]) : reference;
    }
    case 'Fn::If': {
      const [, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      const [a, b] = [text(whenTrue), text(whenFalse)];
      return a.length >= b.length ? estimate(whenTrue) : estimate(whenFalse);
    }
    default:
      // Fn::GetAtt, Fn::ImportValue, Fn::FindInMap, Fn::Base64…: a value of its own.
      return reference;
  }
}

/** Characters as IAM counts a policy document: its JSON without whitespace. */
export const policyCharacters = (document: unknown): number =>
  JSON.stringify(estimate(document)).replace(/\s/g, '').length;

/** Bytes as Lambda counts an environment: every key and value. */
export const environmentBytes = (variables: Record<string, unknown>): number =>
  Object.entries(variables).reduce(
    (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(text(value)),
    0,
  );

const refTo = (value: unknown): string | undefined =>
  value && typeof value === 'object' && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined;

/** Every limit of LIMITS that the template breaks, or none. */
export function templateProblems(template: TemplateJson): TemplateProblem[] {
  const resources = Object.entries(template.Resources ?? {});
  const problems: TemplateProblem[] = [];
  const over = (limit: Limit, subject: string, actual: number) => {
    if (actual > LIMITS[limit]) problems.push({ limit, subject, actual, max: LIMITS[limit] });
  };
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);

  over('resources', 'stack', resources.length);
  over('outputs', 'stack', Object.keys(template.Outputs ?? {}).length);

  // Each role's inline policies, and the AWS::IAM::Policy resources attached to it, summed.
  const rolePolicies = new Map<string, number>(
    ofType('AWS::IAM::Role').map(([id, role]) => [
      id,
      ((role.Properties?.Policies ?? []) as { PolicyDocument: unknown }[]).reduce(
        (sum, policy) => sum + policyCharacters(policy.PolicyDocument),
        0,
      ),
    ]),
  );
  for (const [, policy] of ofType('AWS::IAM::Policy'))
    for (const role of (policy.Properties?.Roles ?? []) as unknown[]) {
      const id = refTo(role);
      if (id && rolePolicies.has(id))
        rolePolicies.set(
          id,
          (rolePolicies.get(id) ?? 0) + policyCharacters(policy.Properties?.PolicyDocument),
        );
    }
  for (const [id, characters] of rolePolicies) over('rolePolicyCharacters', id, characters);

  for (const [id, fn] of ofType('AWS::Lambda::Function')) {
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables;
    over('functionEnvironmentBytes', id, environmentBytes(variables ?? {}));
    const name = fn.Properties?.FunctionName;
    if (typeof name === 'string') over('functionNameCharacters', id, name.length);
  }

  const perApi = (type: string, limit: Limit) => {
    const counts = new Map<string, number>();
    for (const [, resource] of ofType(type)) {
      const api = JSON.stringify(resource.Properties?.ApiId);
      counts.set(api, (counts.get(api) ?? 0) + 1);
    }
    for (const [api, count] of counts) {
      const id: unknown = JSON.parse(api);
      over(limit, refTo(id) ?? String(id), count);
    }
  };
  perApi('AWS::ApiGatewayV2::Route', 'httpApiRoutes');
  perApi('AWS::ApiGatewayV2::Integration', 'httpApiIntegrations');

  for (const [id, alarm] of ofType('AWS::CloudWatch::Alarm')) {
    const queries = (alarm.Properties?.Metrics ?? []) as { MetricStat?: unknown; Expression?: unknown }[];
    over('alarmMetrics', id, queries.filter((query) => query.MetricStat).length);
    over('alarmExpressions', id, queries.filter((query) => query.Expression).length);
  }
  return problems;
}

/** The problems as lines a person reads: what, where, how much against how much. */
export const describeProblems = (problems: readonly TemplateProblem[]): string =>
  problems
    .map(({ limit, subject, actual, max }) => `${limit}: ${subject} has ${actual}, AWS takes at most ${max}`)
    .join('\n');
