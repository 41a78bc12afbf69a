import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { OperatorAlarms } from '#infra/constructs/alarms';
import { createOriginSecret, Edge } from '#infra/constructs/edge';
import { API_TIMEOUT_SECONDS, apiFunctions, consumers, jobs, subscribers } from '#infra/routes';
import type { StackSettings } from '#infra/stack-settings';
import { createApi } from '#infra/stack/api';
import { functionFactory } from '#infra/stack/functions';
import { createJob } from '#infra/stack/jobs';
import { createMailFeedback } from '#infra/stack/mail-feedback';
import { consumeQueue, createQueues } from '#infra/stack/queues';
import { createSecrets } from '#infra/stack/secrets';
import { createTables } from '#infra/stack/tables';

export interface PistusStackProps extends StackProps {
  settings: StackSettings;
}

/**
 * One stage of Pistus: the tables and secrets, one function per declaration (infra/routes.ts) behind the
 * HTTP API, the scheduled jobs, and the alarms. Each part is built in infra/stack/ directly in this stack's
 * scope, so the resources' logical ids stay those of a deployed stack.
 */
export class PistusStack extends Stack {
  constructor(scope: Construct, id: string, props: PistusStackProps) {
    // No AWS::CDK::Metadata resource (CDK's usage report): one resource fewer of CloudFormation's 500, and
    // the project sends no telemetry (cdk.json turns the CLI's off too).
    super(scope, id, { analyticsReporting: false, ...props });
    const { settings } = props;
    const prod = settings.stage === 'prod';
    // prod keeps its data when the stack goes; dev can be torn down completely.
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('pistus:stage', settings.stage);
    const alarms = new OperatorAlarms(this, 'Alarms', {
      stage: settings.stage,
      email: settings.alarmEmail,
      removalPolicy,
    });

    const tables = createTables(this, { prod, removalPolicy, withoutIndexes: settings.withoutIndexes });
    for (const [name, table] of tables.entries()) alarms.watchTable(name, table);
    const secrets = createSecrets(this, removalPolicy);
    const sender = new EmailIdentity(this, 'SenderIdentity', {
      identity: Identity.email(settings.senderEmail),
    });
    const mailFeedback = createMailFeedback(this, alarms.topicKey);
    const queues = createQueues(this, { removalPolicy, alarms });
    const originSecret = settings.edge ? createOriginSecret(this, removalPolicy) : undefined;
    const declareFunction = functionFactory(this, {
      settings,
      removalPolicy,
      tables,
      secrets,
      sender,
      configurationSet: mailFeedback.configurationSet,
      queues,
      originSecret,
    });

    const { api, routeTo } = createApi(this, settings, removalPolicy);
    alarms.watchApi(api);
    for (const declaration of apiFunctions) {
      const fn = declareFunction(declaration);
      alarms.watchFunction(declaration.name, fn, fn.timeout ?? Duration.seconds(API_TIMEOUT_SECONDS));
      routeTo(declaration, fn);
    }
    const consume = { queues, stageConcurrency: settings.reminderSenders };
    for (const job of jobs) {
      const fn = createJob(this, job, {
        declareFunction,
        alarms,
        deployId: settings.deployId,
        removalPolicy,
      });
      consumeQueue(fn, job, consume);
    }
    for (const consumer of consumers) {
      const fn = declareFunction(consumer, { timeout: Duration.seconds(consumer.timeoutSeconds) });
      alarms.watchFunction(consumer.name, fn, Duration.seconds(consumer.timeoutSeconds));
      consumeQueue(fn, consumer, consume);
    }
    for (const subscriber of subscribers) {
      const fn = declareFunction(subscriber);
      alarms.watchFunction(subscriber.name, fn, fn.timeout ?? Duration.seconds(API_TIMEOUT_SECONDS));
      mailFeedback.subscribe(fn);
    }
    alarms.makeGroupedAlarms();

    if (originSecret)
      new Edge(this, 'Edge', {
        api,
        originSecret,
        stage: settings.stage,
        ratePerFiveMinutes: settings.edgeRateLimit,
      });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    for (const [name, table] of tables.entries())
      new CfnOutput(this, `${name}TableName`, { value: table.tableName });
    new CfnOutput(this, 'PepperSecretArn', { value: secrets['password-pepper'].secretArn });
    // For the rotation command (`npm run tokens -- rotate --stack`): its ARN, never its value.
    new CfnOutput(this, 'AccessTokenKeysSecretArn', { value: secrets['access-token-keys'].secretArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
