import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { intrinsicResolver } from '#infra/cli/template-resolver';
import { isAllowed } from './iam.ts';

/**
 * A synthesized CloudFormation template, read as AWS would deploy it: each resource gets a physical name
 * or ARN in a stand-in account, and the intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`) resolve to them, so a function's environment and its IAM statements read
 * exactly as they would on AWS.
 */
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
}

export interface TemplateFunction {
  logicalId: string;
  /** The declared name: the construct id in the CDK path (`Pistus-dev/<name>/Function/Resource`). */
  name: string;
  bundle: string;
  environment: Record<string, string>;
  roleArn: string;
  statements: Statement[];
  timeoutSeconds: number;
  memoryMb: number;
}

export interface TemplateTable {
  name: string;
  definition: Record<string, unknown>;
}

export interface TemplateQueue {
  name: string;
  arn: string;
  /** What the template sets: visibility timeout, retention, redrive policy (its ARNs resolved). */
  attributes: Record<string, string>;
}

/** A Lambda event source mapping from a queue: what the template configures it with. */
export interface TemplateMapping {
  functionLogicalId: string;
  queueArn: string;
  batchSize: number;
  maximumConcurrency?: number;
  reportBatchItemFailures: boolean;
}

export interface GeneratedSecret {
  arn: string;
  value: string;
}

export interface DeployedModel {
  functions: TemplateFunction[];
  /** The stack's outputs, resolved: what `DescribeStacks` answers. */
  outputs: Record<string, string>;
  /** Function logical id → its physical name (what `Lambda.Invoke` is called with). */
  functionNames: Map<string, string>;
  /** Route key → function logical id, as the API's routes and integrations say. */
  routes: Map<string, string>;
  /**
   * Route key → whether API Gateway may invoke its function: with the role its integration's credentials
   * name, when that role's statements allow `lambda:InvokeFunction` on the function; without credentials,
   * when a Lambda permission lets API Gateway invoke it.
   */
  invocable: Map<string, boolean>;
  /** The API's CORS configuration, if any. */
  cors?: {
    allowOrigins: string[];
    allowMethods: string[];
    allowHeaders: string[];
    allowCredentials: boolean;
    maxAge?: number;
  };
  tables: TemplateTable[];
  queues: TemplateQueue[];
  mappings: TemplateMapping[];
  secrets: GeneratedSecret[];
}

/** The SQS regional endpoint of the stand-in account: queue URLs start with it, as on AWS. */
export const SQS_ENDPOINT = `https://sqs.${REGION}.amazonaws.com`;

const short = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 12).toUpperCase();
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

export function loadTemplate(file: string): Template {
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
}

/** Reads the template as the stand-in account deploys it. `stackName` prefixes physical names. */
export function deployedModel(template: Template, templateFile: string, stackName: string): DeployedModel {
  const resources = template.Resources;
  const physicalName = (id: string) => `${stackName}-${id}-${short(id)}`;
  const refs = new Map<string, string>();
  const attributes = new Map<string, Record<string, string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const name = physicalName(id);
    switch (resource.Type) {
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        refs.set(id, name);
        attributes.set(id, { Arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}` });
        break;
      case 'AWS::SecretsManager::Secret':
        refs.set(id, `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-${short(id).slice(0, 6)}`);
        break;
      case 'AWS::SES::EmailIdentity':
        refs.set(id, String(resource.Properties?.EmailIdentity));
        break;
      case 'AWS::IAM::Role':
        refs.set(id, name);
        attributes.set(id, { Arn: `arn:aws:iam::${ACCOUNT}:role/${name}` });
        break;
      case 'AWS::Lambda::Function':
        refs.set(id, name);
        attributes.set(id, { Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}` });
        break;
      case 'AWS::SQS::Queue':
        refs.set(id, `${SQS_ENDPOINT}/${ACCOUNT}/${name}`);
        attributes.set(id, { Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, QueueName: name });
        break;
      case 'AWS::ApiGatewayV2::Api':
        refs.set(id, short(id).toLowerCase().slice(0, 10));
        attributes.set(id, {
          ApiEndpoint: `https://${short(id).toLowerCase().slice(0, 10)}.execute-api.${REGION}.amazonaws.com`,
        });
        break;
      case 'AWS::SNS::Topic':
        refs.set(id, `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`);
        attributes.set(id, { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${name}` });
        break;
      case 'AWS::Logs::LogGroup':
        refs.set(id, `/aws/lambda/${name}`);
        attributes.set(id, { Arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${name}:*` });
        break;
      default:
        refs.set(id, name);
        attributes.set(id, { Arn: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:resource/${name}` });
    }
  }
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stackName,
  };

  const resolve = intrinsicResolver({ refs, attributes, pseudo });
  const attributeOf = (id: string, name: string) => String(attributes.get(id)?.[name]);

  const byType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

  // A role's grants: its inline policies (`Policies`) and the AWS::IAM::Policy resources attached to it.
  const statementsOf = (roleId: string): Statement[] =>
    rolePolicyDocuments(template, roleId)
      .flatMap((document) => document.Statement)
      .map((raw) => {
        const statement = resolve(raw) as { Effect: 'Allow' | 'Deny'; Action: unknown; Resource: unknown };
        return {
          Effect: statement.Effect,
          Action: list(statement.Action).map(String),
          Resource: list(statement.Resource).map(String),
        };
      });

  const cdkOut = dirname(templateFile);
  const functions = byType('AWS::Lambda::Function')
    // The AwsCustomResource provider (run-on-deploy) is CDK's code, not ours, and runs in CloudFormation.
    .filter(([id]) => !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'))
    .map(([id, resource]): TemplateFunction => {
      const props = resource.Properties as Record<string, unknown>;
      const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const path = String(resource.Metadata?.['aws:cdk:path'] ?? '').split('/');
      return {
        logicalId: id,
        name: path[1] ?? id,
        bundle: join(cdkOut, String(resource.Metadata?.['aws:asset:path']), 'index.mjs'),
        environment: resolve(
          (props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {},
        ) as Record<string, string>,
        roleArn: String(resolve({ 'Fn::GetAtt': [roleId, 'Arn'] })),
        statements: statementsOf(roleId),
        timeoutSeconds: Number(props.Timeout ?? 3),
        memoryMb: Number(props.MemorySize ?? 128),
      };
    });

  const integrations = new Map(
    byType('AWS::ApiGatewayV2::Integration').map(([id, integration]) => {
      const uri = integration.Properties?.IntegrationUri as { 'Fn::GetAtt': [string, string] };
      const credentials = integration.Properties?.CredentialsArn as
        { 'Fn::GetAtt': [string, string] } | undefined;
      return [id, { fn: uri['Fn::GetAtt'][0], role: credentials?.['Fn::GetAtt'][0] }] as const;
    }),
  );
  const apiPermissions = byType('AWS::Lambda::Permission').filter(
    ([, permission]) => permission.Properties?.Principal === 'apigateway.amazonaws.com',
  );
  const apiMayInvoke = ({ fn, role }: { fn: string; role: string | undefined }) =>
    role
      ? isAllowed(statementsOf(role), { action: 'lambda:InvokeFunction', resource: attributeOf(fn, 'Arn') })
      : apiPermissions.some(([, permission]) =>
          JSON.stringify(permission.Properties?.FunctionName).includes(`"${fn}"`),
        );
  const routed = byType('AWS::ApiGatewayV2::Route').map(([, route]) => {
    const target = JSON.stringify(route.Properties?.Target);
    const integration = integrations.get(/"Ref":"([^"]+)"/.exec(target)?.[1] ?? '');
    if (!integration)
      throw new Error(`route ${String(route.Properties?.RouteKey)} has no Lambda integration`);
    return { routeKey: String(route.Properties?.RouteKey), integration };
  });
  const routes = new Map(routed.map(({ routeKey, integration }) => [routeKey, integration.fn]));
  const invocable = new Map(
    routed.map(({ routeKey, integration }) => [routeKey, apiMayInvoke(integration)] as const),
  );
  const api = byType('AWS::ApiGatewayV2::Api')[0]?.[1];
  const cors = api?.Properties?.CorsConfiguration as
    | {
        AllowOrigins?: string[];
        AllowMethods?: string[];
        AllowHeaders?: string[];
        AllowCredentials?: boolean;
        MaxAge?: number;
      }
    | undefined;

  const tables = [...byType('AWS::DynamoDB::GlobalTable'), ...byType('AWS::DynamoDB::Table')].map(
    ([id, table]) => ({ name: String(refs.get(id)), definition: table.Properties ?? {} }),
  );

  const queues = byType('AWS::SQS::Queue').map(([id, queue]): TemplateQueue => {
    const props = (resolve(queue.Properties ?? {}) ?? {}) as Record<string, unknown>;
    const set: Record<string, string> = {};
    for (const key of ['VisibilityTimeout', 'MessageRetentionPeriod'])
      if (props[key] !== undefined) set[key] = String(props[key]);
    if (props.RedrivePolicy) set.RedrivePolicy = JSON.stringify(props.RedrivePolicy);
    return { name: attributeOf(id, 'QueueName'), arn: attributeOf(id, 'Arn'), attributes: set };
  });
  const mappings = byType('AWS::Lambda::EventSourceMapping').map(([, mapping]): TemplateMapping => {
    const props = mapping.Properties as Record<string, unknown>;
    const scaling = props.ScalingConfig as { MaximumConcurrency?: number } | undefined;
    return {
      functionLogicalId: String((props.FunctionName as { Ref: string }).Ref),
      queueArn: String(resolve(props.EventSourceArn)),
      batchSize: Number(props.BatchSize ?? 10),
      ...(scaling?.MaximumConcurrency ? { maximumConcurrency: scaling.MaximumConcurrency } : {}),
      reportBatchItemFailures: list(props.FunctionResponseTypes).includes('ReportBatchItemFailures'),
    };
  });

  const secrets = byType('AWS::SecretsManager::Secret').map(([id, secret]) => ({
    arn: String(refs.get(id)),
    // A value the template gives (the identity secret's empty document, for the operator to fill), else generated.
    value:
      typeof secret.Properties?.SecretString === 'string'
        ? secret.Properties.SecretString
        : generateSecret(secret.Properties?.GenerateSecretString as GenerateSecretString | undefined),
  }));

  return {
    functions,
    outputs: Object.fromEntries(
      Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, String(resolve(output.Value))]),
    ),
    functionNames: new Map(functions.map((fn) => [fn.logicalId, String(refs.get(fn.logicalId))])),
    routes,
    invocable,
    ...(cors
      ? {
          cors: {
            allowOrigins: cors.AllowOrigins ?? [],
            allowMethods: cors.AllowMethods ?? [],
            allowHeaders: cors.AllowHeaders ?? [],
            allowCredentials: cors.AllowCredentials ?? false,
            ...(cors.MaxAge === undefined ? {} : { maxAge: cors.MaxAge }),
          },
        }
      : {}),
    tables,
    queues,
    mappings,
    secrets,
  };
}

/**
 * The policy documents IAM evaluates for a role: each inline policy in the role's `Policies`, and each
 * AWS::IAM::Policy resource whose `Roles` name it (also inline policies of the role, as IAM stores them).
 * Live objects of the template: a test may change them in a copy.
 */
export function rolePolicyDocuments(template: Template, roleId: string): { Statement: unknown[] }[] {
  const resources = Object.values(template.Resources);
  const inline = (
    (template.Resources[roleId]?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[]
  ).map((policy) => policy.PolicyDocument);
  const attached = resources
    .filter(
      (resource) =>
        resource.Type === 'AWS::IAM::Policy' &&
        list(resource.Properties?.Roles).some((role) => (role as { Ref?: string }).Ref === roleId),
    )
    .map((policy) => policy.Properties?.PolicyDocument as { Statement: unknown[] });
  return [...inline, ...attached];
}

interface GenerateSecretString {
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
  PasswordLength?: number;
  ExcludePunctuation?: boolean;
}

/** What Secrets Manager generates for `GenerateSecretString`: a random string, in the template if given. */
function generateSecret(spec: GenerateSecretString = {}): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const length = spec.PasswordLength ?? 32;
  const bytes = randomBytes(length);
  const password = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
  if (!spec.SecretStringTemplate || !spec.GenerateStringKey) return password;
  return JSON.stringify({ ...JSON.parse(spec.SecretStringTemplate), [spec.GenerateStringKey]: password });
}
