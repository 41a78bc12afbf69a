import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const FIVE_MINUTES = Duration.minutes(5);
/**
 * CloudWatch takes at most 10 metrics and 10 expressions in one alarm's math, so functions and queues are
 * watched in groups: an alarm per group, not one per function, against CloudFormation's 500 resources per
 * stack. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const METRICS_PER_ALARM = 10;

interface Watched<T> {
  name: string;
  watched: T;
}

/**
 * Consecutive groups of at most 10, each with at most 9 distinct `kind`s when one is given (an expression
 * per kind and one over them stay within 10 expressions).
 */
function groups<T>(items: readonly T[], kind: (item: T) => unknown = () => 0): T[][] {
  const result: T[][] = [];
  let group: T[] = [];
  for (const item of items) {
    const kinds = new Set([...group, item].map(kind));
    if (group.length === METRICS_PER_ALARM || kinds.size === METRICS_PER_ALARM) {
      result.push(group);
      group = [];
    }
    group.push(item);
  }
  if (group.length) result.push(group);
  return result;
}

const namesOf = (group: readonly Watched<unknown>[]) => group.map(({ name }) => name).join(', ');

/** Any of the metrics at or above the threshold: their sum, a period without data counted as none. */
const sumOf = (label: string, metrics: readonly IMetric[]) => {
  const usingMetrics = Object.fromEntries(metrics.map((metric, index) => [`m${index}`, metric]));
  return new MathExpression({
    label,
    expression: `SUM(FILL([${Object.keys(usingMetrics).join(', ')}], 0))`,
    usingMetrics,
    period: FIVE_MINUTES,
  });
};

/**
 * Every alarm of the stack, sent to one SNS topic that an operator subscribes to (an email, or anything
 * else SNS delivers to). The topic is encrypted with a customer-managed key: CloudWatch cannot publish to a
 * topic encrypted with the AWS-managed SNS key.
 */
export class OperatorAlarms extends Construct {
  readonly topic: Topic;
  /** The key the stage's SNS topics are encrypted with. */
  readonly topicKey: Key;
  private readonly functions: Watched<{ fn: IFunction; timeout: Duration }>[] = [];
  private readonly deadLetters: Watched<IQueue>[] = [];
  private readonly tables: Watched<ITableV2>[] = [];
  private grouped = false;

  constructor(
    scope: Construct,
    id: string,
    props: { stage: string; email?: string; removalPolicy: RemovalPolicy },
  ) {
    super(scope, id);
    // The stage's one key for its SNS topics (this one, and SES's bounces and complaints: see
    // infra/stack/mail-feedback.ts), each service granted only what publishing needs.
    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Pistus SNS topic encryption: alarms, SES bounces and complaints',
      // dev goes entirely (KMS deletes a key after its waiting period); prod keeps it with the stage.
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topicKey = key;
    this.topic = new Topic(this, 'Topic', {
      topicName: `pistus-${props.stage}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.node.addValidation({
      validate: () =>
        this.functions.length + this.deadLetters.length + this.tables.length && !this.grouped
          ? [
              'functions or queues are watched but their alarms were never made: call makeGroupedAlarms() last',
            ]
          : [],
    });
  }

  private alarm(id: string, description: string, metric: IMetric, threshold = 1) {
    new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(this.topic));
  }

  private notYetGrouped(name: string) {
    if (this.grouped) throw new Error(`${name} is watched after the grouped alarms were made`);
  }

  /** A function to watch: its alarms are made, with those of every other, by `makeGroupedAlarms()`. */
  watchFunction(name: string, fn: IFunction, timeout: Duration) {
    this.notYetGrouped(name);
    this.functions.push({ name, watched: { fn, timeout } });
  }

  /** A message in a dead-letter queue: something failed after all its retries. Made by `makeGroupedAlarms()`. */
  watchDeadLetters(name: string, queue: IQueue) {
    this.notYetGrouped(name);
    this.deadLetters.push({ name, watched: queue });
  }

  /**
   * The alarms over every watched function and dead-letter queue, once all are declared, in groups of up
   * to 10: for functions, any error and any throttle within five minutes, and a p99 duration within 80% of
   * the function's own timeout (the next slow dependency makes those requests time out, as API Gateway's
   * own 500). Each description names its functions or queues; their own metrics tell which one it was.
   */
  makeGroupedAlarms() {
    this.grouped = true;
    groups(this.functions).forEach((group, index) => {
      const id = `functions-${index + 1}`;
      const metrics = (metric: (fn: IFunction) => IMetric) => group.map(({ watched }) => metric(watched.fn));
      this.alarm(
        `${id}-errors`,
        `Invocations failed, in one of: ${namesOf(group)}`,
        sumOf(
          'Errors',
          metrics((fn) => fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })),
        ),
      );
      this.alarm(
        `${id}-throttles`,
        `Invocations throttled, in one of: ${namesOf(group)}`,
        sumOf(
          'Throttles',
          metrics((fn) => fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })),
        ),
      );
    });
    // Sorted by timeout, so that a group's functions share few timeouts: per timeout, the highest p99 over
    // it, then the highest of those shares.
    const byTimeout = [...this.functions].sort(
      (a, b) => a.watched.timeout.toSeconds() - b.watched.timeout.toSeconds(),
    );
    groups(byTimeout, ({ watched }) => watched.timeout.toSeconds()).forEach((group, index) => {
      const timeouts = [...new Set(group.map(({ watched }) => watched.timeout.toSeconds()))];
      const shares = Object.fromEntries(
        timeouts.map((seconds) => {
          const usingMetrics = Object.fromEntries(
            group.flatMap(({ watched }, at) =>
              watched.timeout.toSeconds() === seconds
                ? [[`m${at}`, watched.fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })]]
                : [],
            ),
          );
          const expression = `MAX([${Object.keys(usingMetrics).join(', ')}]) / ${seconds * 1000}`;
          return [`t${seconds}`, new MathExpression({ expression, usingMetrics, period: FIVE_MINUTES })];
        }),
      );
      const [only] = Object.values(shares);
      this.alarm(
        `functions-${index + 1}-p99-duration`,
        `p99 duration within 80% of its timeout, in one of: ${group
          .map(({ name, watched }) => `${name} (${watched.timeout.toSeconds()} s)`)
          .join(', ')}`,
        timeouts.length === 1 && only
          ? only.with({ label: 'Highest p99 duration, as a share of the timeout' })
          : new MathExpression({
              label: 'Highest p99 duration, as a share of its timeout',
              expression: `MAX([${Object.keys(shares).join(', ')}])`,
              usingMetrics: shares,
              period: FIVE_MINUTES,
            }),
        0.8,
      );
    });
    // Two metrics a table: five tables an alarm.
    const perAlarm = METRICS_PER_ALARM / 2;
    Array.from({ length: Math.ceil(this.tables.length / perAlarm) }, (_, at) =>
      this.tables.slice(at * perAlarm, (at + 1) * perAlarm),
    ).forEach((group, index) => {
      this.alarm(
        `tables-${index + 1}-throttles`,
        `DynamoDB throttled requests, in one of the tables: ${namesOf(group)}`,
        sumOf(
          'Throttle events',
          group.flatMap(({ watched }) =>
            ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) =>
              watched.metric(metricName, { statistic: 'Sum', period: FIVE_MINUTES }),
            ),
          ),
        ),
      );
    });
    groups(this.deadLetters).forEach((group, index) => {
      this.alarm(
        `dead-letters-${index + 1}`,
        `A message in a dead-letter queue (failed after its retries; see its log and the queue): ${namesOf(group)}`,
        sumOf(
          'Messages in the dead-letter queues',
          group.map(({ watched }) =>
            watched.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }),
          ),
        ),
      );
    });
  }

  /** More than 1% of the API's requests answered with a 5xx over five minutes. */
  watchApi(api: HttpApi) {
    const rate = new MathExpression({
      label: '5xx rate (%)',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        requests: api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' }),
      },
      period: FIVE_MINUTES,
    });
    this.alarm('api-5xx-rate', 'API: more than 1% of requests failed with a 5xx', rate, 1);
  }

  /**
   * A table throttling requests, watched with the others in `makeGroupedAlarms()`: its read and write
   * throttle events (all operations and indexes), five tables an alarm. DynamoDB's own 5xx reach the
   * functions, which answer 503: the API's 5xx rate and the functions' error alarms see them.
   */
  watchTable(name: string, table: ITableV2) {
    this.notYetGrouped(name);
    this.tables.push({ name, watched: table });
  }
}
