import { CfnOutput, type Duration, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ConfigurationSet, EmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { PistusFunction } from '#infra/constructs/api-function';
import {
  functionEnvironment,
  type GrantStatement,
  grantStatements,
  SECRET_SETTINGS,
} from '#infra/function-environment';
import type { FunctionDeclaration, Secret as SecretName } from '#infra/routes';
import { functionSettings, type StackSettings } from '#infra/stack-settings';
import type { StackTables } from '#infra/stack/tables';
import type { StackQueues } from '#infra/stack/queues';

export type DeclareFunction = (
  declaration: FunctionDeclaration,
  extra?: { timeout?: Duration; deadLetterQueue?: Queue },
) => NodejsFunction;

/**
 * Makes functions from their declarations, each with exactly the environment and IAM statements that
 * infra/function-environment.ts computes for it: the same computation the local runtime uses.
 */
export function functionFactory(
  stack: Stack,
  resources: {
    settings: StackSettings;
    removalPolicy: RemovalPolicy;
    tables: StackTables;
    secrets: Record<SecretName, Secret>;
    sender: EmailIdentity;
    configurationSet: ConfigurationSet;
    queues: StackQueues;
    /** With the edge on: the secret CloudFront adds to every request. */
    originSecret?: Secret;
  },
): DeclareFunction {
  const { settings, tables, secrets, sender, configurationSet } = resources;
  // One log group for every function of the stage, not one each: Lambda's advanced logging controls let
  // functions share a group, each writing streams named `YYYY/MM/DD/<function name>[<version>]<instance id>`,
  // so a function's lines stay apart, and the stack spends one of CloudFormation's 500 resources, not 34.
  // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
  const logGroup = new LogGroup(stack, 'FunctionLogs', {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: resources.removalPolicy,
  });
  new CfnOutput(stack, 'FunctionLogGroupName', { value: logGroup.logGroupName });
  const configurationSetArn = stack.formatArn({
    service: 'ses',
    resource: 'configuration-set',
    resourceName: configurationSet.configurationSetName,
  });
  // The settings every function (common) or every mailing function (mail) gets, from the stack settings'
  // one declaration, which the synth has checked as the functions' cold start would (infra/stack-settings.ts).
  const { common, mail } = functionSettings(settings);
  // The API's functions only, resolved by CloudFormation at deploy time from the edge's secret.
  const edge = (declaration: FunctionDeclaration): Record<string, string> =>
    resources.originSecret && 'routes' in declaration
      ? { ORIGIN_VERIFY_SECRET: resources.originSecret.secretValue.unsafeUnwrap() }
      : {};
  const resourceArns = (statement: GrantStatement): string[] => {
    switch (statement.kind) {
      case 'table':
        return [tables.get(statement.table).tableArn];
      case 'indexes':
        return statement.indexes.map((index) => `${tables.get(statement.table).tableArn}/index/${index}`);
      case 'secret':
        return [secrets[statement.secret].secretArn];
      case 'sender':
        // Sending as the identity, through the configuration set that reports bounces and complaints.
        return [sender.emailIdentityArn, configurationSetArn];
      case 'queue':
        return [resources.queues.get(statement.queue).queue.queueArn];
    }
  };
  return (declaration, extra = {}) => {
    const { function: fn } = new PistusFunction(stack, declaration.name, {
      name: declaration.name,
      memoryMb: declaration.memoryMb,
      logGroup,
      timeout: extra.timeout,
      deadLetterQueue: extra.deadLetterQueue,
      environment: {
        ...functionEnvironment(declaration, {
          common,
          tableName: (table) => tables.get(table).tableName,
          secret: (name) => [SECRET_SETTINGS[name].aws, secrets[name].secretArn],
          queueUrl: (queue) => resources.queues.get(queue).queue.queueUrl,
          mail: { ...mail, SES_CONFIGURATION_SET: configurationSet.configurationSetName },
        }),
        ...edge(declaration),
      },
    });
    for (const statement of grantStatements(declaration))
      fn.addToRolePolicy(
        new PolicyStatement({ actions: statement.actions, resources: resourceArns(statement) }),
      );
    return fn;
  };
}
