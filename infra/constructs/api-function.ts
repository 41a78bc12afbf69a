import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { InlinePolicyRole } from '#infra/constructs/inline-policy-role';
import { BUNDLE_OPTIONS, LAZY_MODULES } from '#infra/lazy-modules';
import { API_TIMEOUT_SECONDS } from '#infra/routes';

export interface PistusFunctionProps {
  /** The handler file `functions/<name>.ts`. */
  name: string;
  memoryMb: number;
  environment: Record<string, string>;
  timeout?: Duration;
  /** The stage's one log group for its functions (see infra/stack/functions.ts). */
  logGroup: ILogGroup;
  /** Where failed asynchronous invocations go, after Lambda's own retries. */
  deadLetterQueue?: IQueue;
}

export { ESM_REQUIRE_BANNER } from '#infra/lazy-modules';

const functionsDir = fileURLToPath(new URL('../../functions/', import.meta.url));
const lambdaCredentials = fileURLToPath(new URL('../../shared/aws/lambda-credentials.ts', import.meta.url));
const lazyModulesScript = fileURLToPath(new URL('../lazy-modules.ts', import.meta.url));

/**
 * Every function of the product with the same defaults: the newest Node.js runtime on arm64, one ESM bundle
 * with the AWS SDK bundled from its ES-module build (smaller and faster to load than the CommonJS one, and
 * pinned to the version the tests ran), source maps, JSON logs in the stage's function log group.
 */
export class PistusFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: PistusFunctionProps) {
    super(scope, id);
    const { logGroup } = props;
    // Its own role, every grant in one inline policy of the role (no AWS::IAM::Policy resource beside it),
    // writing only to the stage's function log group, instead of the managed basic execution role, which
    // allows writing to any log group in the account.
    const role = new InlinePolicyRole(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // CloudFormation's Arn of a log group already ends in `:*`, covering its streams.
        resources: [logGroup.logGroupArn],
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which take no resource-level ' +
        'permissions (the X-Ray service authorization reference lists none). Every other grant names its ' +
        'table, index, secret or identity, pinned by the CDK assertions and checked call by call by the ' +
        'deployed-artifact suite.',
    });
    this.function = new NodejsFunction(this, 'Function', {
      role,
      entry: `${functionsDir}${props.name}.ts`,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout ?? Duration.seconds(API_TIMEOUT_SECONDS),
      logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      loggingFormat: LoggingFormat.JSON,
      // X-Ray traces every invocation (its init, its duration, API Gateway in front): where a slow request
      // spent its time; each AWS SDK call inside is a subsegment of it (shared/aws/tracing.ts).
      tracing: Tracing.ACTIVE,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_OPTIONS.target,
        minify: BUNDLE_OPTIONS.minify,
        sourceMap: BUNDLE_OPTIONS.sourcemap,
        // What it loads only when needed stays out of its bundle, built beside it after bundling.
        externalModules: Object.keys(LAZY_MODULES),
        mainFields: [...BUNDLE_OPTIONS.mainFields],
        banner: BUNDLE_OPTIONS.banner.js,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [`node "${lazyModulesScript}" "${outputDir}"`],
        },
        // Lambda provides credentials in the environment: the rest of the SDK's default chain is not bundled.
        esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': lambdaCredentials },
      },
    });
  }
}
