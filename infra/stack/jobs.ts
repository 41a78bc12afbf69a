import { createHash } from 'node:crypto';
import { CfnOutput, Duration, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { OperatorAlarms } from '#infra/constructs/alarms';
import { InlinePolicyRole } from '#infra/constructs/inline-policy-role';
import type { JobDeclaration } from '#infra/routes';
import type { DeclareFunction } from '#infra/stack/functions';

/** A scheduled job: its function, its EventBridge rule, its dead-letter queue and alarms, its run on deploy. */
export function createJob(
  stack: Stack,
  job: JobDeclaration,
  deps: {
    declareFunction: DeclareFunction;
    alarms: OperatorAlarms;
    deployId: string | undefined;
    removalPolicy: RemovalPolicy;
  },
): NodejsFunction {
  // Failed asynchronous invocations land here after Lambda's two retries; an alarm watches it.
  const deadLetters = new Queue(stack, `${job.name}-dead-letters`, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // prod keeps the evidence of failed runs with the stage's data; dev goes entirely.
    removalPolicy: deps.removalPolicy,
  });
  const fn = deps.declareFunction(job, {
    timeout: Duration.seconds(job.timeoutSeconds),
    deadLetterQueue: deadLetters,
  });
  new Rule(stack, `${job.name}-schedule`, {
    schedule: Schedule.expression(job.schedule),
    targets: [new LambdaFunction(fn, { retryAttempts: 2, deadLetterQueue: deadLetters })],
  });
  deps.alarms.watchFunction(job.name, fn, Duration.seconds(job.timeoutSeconds));
  deps.alarms.watchDeadLetters(job.name, deadLetters);
  if (job.runOnDeploy) invokeOnDeploy(stack, job.name, fn, deps);
  const pascal = job.name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) =>
    letter.toUpperCase(),
  );
  new CfnOutput(stack, `${pascal}FunctionName`, {
    value: fn.functionName,
  });
  return fn;
}

/**
 * An asynchronous invocation on each deploy that changes the job: its physical id is a digest of the
 * function's code and configuration as synthesized (or `-c deployId=…` to force a run), so an unchanged
 * app synthesizes the same template and `cdk diff` is clean.
 */
function invokeOnDeploy(
  stack: Stack,
  name: string,
  fn: NodejsFunction,
  { deployId }: { deployId: string | undefined },
) {
  const cfn = fn.node.defaultChild as CfnFunction;
  const digest = createHash('sha256')
    .update(
      JSON.stringify(stack.resolve({ code: cfn.code, configuration: cfn.environment, runtime: cfn.runtime })),
    )
    .digest('hex')
    .slice(0, 16);
  const invoke = {
    service: 'Lambda',
    action: 'invoke',
    parameters: { FunctionName: fn.functionName, InvocationType: 'Event', Payload: '{}' },
    physicalResourceId: PhysicalResourceId.of(`${name}-${deployId ?? digest}`),
  };
  // Its own role, instead of the provider's default one with the managed basic execution policy: it may
  // invoke the job and write to the functions' log group, both inline in the role (no AWS::IAM::Policy).
  // Its log streams there are named after the provider function: what it did stays readable after a deploy.
  const logGroup = fn.logGroup;
  const role = new InlinePolicyRole(stack, `${name}-on-deploy-role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
  });
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  new AwsCustomResource(stack, `${name}-on-deploy`, {
    onCreate: invoke,
    onUpdate: invoke,
    installLatestAwsSdk: false,
    // No `policy`: the role above carries the grant, so AwsCustomResource adds no policy resource of its own.
    role,
    logGroup,
  });
}
