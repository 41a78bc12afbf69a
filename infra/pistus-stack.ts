import { createHash } from 'node:crypto';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { OperatorAlarms } from '#infra/constructs/alarms';
import { PistusFunction } from '#infra/constructs/api-function';
import {
  functionEnvironment,
  type GrantStatement,
  grantStatements,
  SECRET_SETTINGS,
} from '#infra/function-environment';
import {
  apiFunctions,
  corsPolicy,
  type FunctionDeclaration,
  jobs,
  type Secret as SecretName,
} from '#infra/routes';
import type { StackSettings } from '#infra/stack-settings';
import { keyType, type TableDeclaration, tables } from '#shared/data/tables';

export interface PistusStackProps extends StackProps {
  settings: StackSettings;
}

const attributeType = (table: TableDeclaration, name: string) =>
  keyType(table, name) === 'N' ? AttributeType.NUMBER : AttributeType.STRING;

export class PistusStack extends Stack {
  constructor(scope: Construct, id: string, props: PistusStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const prod = settings.stage === 'prod';
    // prod keeps its data when the stack goes; dev can be torn down completely.
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('pistus:stage', settings.stage);
    const alarms = new OperatorAlarms(this, 'Alarms', { stage: settings.stage, email: settings.alarmEmail });

    const tableResources = new Map(
      tables.map((table) => {
        const resource = new TableV2(this, `${table.name}-table`, {
          partitionKey: { name: table.partitionKey, type: attributeType(table, table.partitionKey) },
          timeToLiveAttribute: table.timeToLiveAttribute,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: prod,
          removalPolicy,
          globalSecondaryIndexes: table.indexes.map((index) => ({
            indexName: index.name,
            partitionKey: { name: index.partitionKey, type: attributeType(table, index.partitionKey) },
            sortKey: { name: index.sortKey, type: attributeType(table, index.sortKey) },
          })),
        });
        return [table.name, resource] as const;
      }),
    );

    const secrets: Record<SecretName, Secret> = {
      'signing-keys': new Secret(this, 'SigningKeys', {
        description: 'Pistus JWT signing keys: {"kid","secret","previous":[...]}; the top-level key signs.',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ kid: 'k1' }),
          generateStringKey: 'secret',
          passwordLength: 64,
          excludePunctuation: true,
        },
        removalPolicy,
      }),
      'password-pepper': new Secret(this, 'PasswordPepper', {
        description:
          'Pistus password pepper (HMAC key of the bcrypt pre-hash). Changing it invalidates every password.',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    };
    Validations.of(secrets['signing-keys']).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Rotation is by key id: an operator adds a new kid and keeps the old one under "previous" until sessions ' +
        'signed with it have expired (README, "Rotating the signing key"). A scheduled rotation function would drop ' +
        'the previous key and log everyone out.',
    });
    Validations.of(secrets['password-pepper']).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The pepper keys every stored password hash: rotating it would make every password unverifiable.',
    });
    const common: Record<string, string> = {
      STAGE: settings.stage,
      ALLOWED_ORIGINS: settings.allowedOrigins.join(','),
      COOKIE_SAME_SITE: settings.cookieSameSite,
      SESSION_TTL_SECONDS: String(settings.sessionTtlSeconds),
      SESSION_IDLE_SECONDS: String(settings.sessionIdleSeconds),
      BCRYPT_COST: String(settings.bcryptCost),
    };
    const sender = new EmailIdentity(this, 'SenderIdentity', {
      identity: Identity.email(settings.senderEmail),
    });
    const resourceArns = (statement: GrantStatement): string[] => {
      switch (statement.kind) {
        case 'table':
          return [this.table(tableResources, statement.table).tableArn];
        case 'indexes': {
          const arn = this.table(tableResources, statement.table).tableArn;
          return statement.indexes.map((index) => `${arn}/index/${index}`);
        }
        case 'secret':
          return [secrets[statement.secret].secretArn];
        case 'sender':
          return [sender.emailIdentityArn];
      }
    };

    /** One function with exactly the environment and grants its declaration gives it. */
    const declareFunction = (
      declaration: FunctionDeclaration,
      extra: { timeout?: Duration; deadLetterQueue?: Queue } = {},
    ) => {
      const { function: fn } = new PistusFunction(this, declaration.name, {
        name: declaration.name,
        memoryMb: declaration.memoryMb,
        removalPolicy,
        timeout: extra.timeout,
        deadLetterQueue: extra.deadLetterQueue,
        environment: functionEnvironment(declaration, {
          common,
          tableName: (table) => this.table(tableResources, table).tableName,
          secret: (name) => [SECRET_SETTINGS[name].aws, secrets[name].secretArn],
          mail: { SES_SENDER: settings.senderEmail, SES_MAX_SEND_RATE: String(settings.sesMaxSendRate) },
        }),
      });
      for (const statement of grantStatements(declaration))
        fn.addToRolePolicy(
          new PolicyStatement({ actions: statement.actions, resources: resourceArns(statement) }),
        );
      return fn;
    };

    const api = new HttpApi(this, 'Api', {
      apiName: `pistus-${settings.stage}`,
      createDefaultStage: false,
      ...(settings.allowedOrigins.length
        ? {
            corsPreflight: {
              allowOrigins: settings.allowedOrigins,
              allowCredentials: true,
              allowMethods: corsPolicy.allowMethods.map((method) => CorsHttpMethod[method]),
              allowHeaders: [...corsPolicy.allowHeaders],
              maxAge: Duration.seconds(corsPolicy.maxAgeSeconds),
            },
          }
        : {}),
    });

    Validations.of(api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason:
        'Authentication is what this API provides: signup, login, logout and check_session are public by design, and ' +
        'every other route verifies the session cookie or bearer token and its server-side session in the function. ' +
        'An API Gateway JWT authorizer cannot read an HttpOnly cookie nor see a revoked session.',
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      // The outer guard against floods; per-account brute-force limits live in the functions (DynamoDB counters).
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Request facts only: no headers, so no cookie or Authorization value is ever logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    alarms.watchApi(api);
    for (const declaration of apiFunctions) {
      const fn = declareFunction(declaration);
      alarms.watchFunction(declaration.name, fn);
      const integration = new HttpLambdaIntegration(`${declaration.name}-integration`, fn);
      for (const routeKey of declaration.routes) {
        if (routeKey === '$default') {
          new HttpRoute(api, `${declaration.name}-default-route`, {
            httpApi: api,
            routeKey: HttpRouteKey.DEFAULT,
            integration,
          });
          continue;
        }
        const [method, path] = routeKey.split(' ') as [keyof typeof HttpMethod, string];
        api.addRoutes({ path, methods: [HttpMethod[method]], integration });
      }
    }

    for (const job of jobs) {
      // Failed asynchronous invocations land here after Lambda's two retries; an alarm watches it.
      const deadLetters = new Queue(this, `${job.name}-dead-letters`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const fn = declareFunction(job, {
        timeout: Duration.seconds(job.timeoutSeconds),
        deadLetterQueue: deadLetters,
      });
      new Rule(this, `${job.name}-schedule`, {
        schedule: Schedule.expression(job.schedule),
        targets: [new LambdaFunction(fn, { retryAttempts: 2, deadLetterQueue: deadLetters })],
      });
      alarms.watchFunction(job.name, fn);
      alarms.watchDeadLetters(job.name, deadLetters);
      if (job.runOnDeploy) this.invokeOnDeploy(job.name, fn, settings.deployId);
      new CfnOutput(this, `${job.name[0]?.toUpperCase()}${job.name.slice(1)}FunctionName`, {
        value: fn.functionName,
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    for (const [name, table] of tableResources)
      new CfnOutput(this, `${name}TableName`, { value: table.tableName });
    new CfnOutput(this, 'PepperSecretArn', { value: secrets['password-pepper'].secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }

  private table(resources: Map<string, TableV2>, declaration: TableDeclaration): TableV2 {
    const table = resources.get(declaration.name);
    if (!table)
      throw new Error(`a function declares table ${declaration.name}, which the stack does not have`);
    return table;
  }

  /**
   * An asynchronous invocation on each deploy that changes the job: its physical id is a digest of the
   * function's code and configuration as synthesized (or `-c deployId=…` to force a run), so an unchanged
   * app synthesizes the same template and `cdk diff` is clean.
   */
  private invokeOnDeploy(name: string, fn: NodejsFunction, deployId: string | undefined) {
    const cfn = fn.node.defaultChild as CfnFunction;
    const digest = createHash('sha256')
      .update(
        JSON.stringify(
          this.resolve({ code: cfn.code, configuration: cfn.environment, runtime: cfn.runtime }),
        ),
      )
      .digest('hex')
      .slice(0, 16);
    const invoke = {
      service: 'Lambda',
      action: 'invoke',
      parameters: { FunctionName: fn.functionName, InvocationType: 'Event', Payload: '{}' },
      physicalResourceId: PhysicalResourceId.of(`${name}-${deployId ?? digest}`),
    };
    // Its own role: the provider's default one carries the managed basic execution policy.
    const role = new Role(this, `${name}-on-deploy-role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    new AwsCustomResource(this, `${name}-on-deploy`, {
      onCreate: invoke,
      onUpdate: invoke,
      installLatestAwsSdk: false,
      role,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
      ]),
    });
  }
}
