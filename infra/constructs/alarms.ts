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
import { type ITableV2, Operation } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Every alarm of the stack, sent to one SNS topic that an operator subscribes to (an email, or anything
 * else SNS delivers to). The topic is encrypted with a key of its own: CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed SNS key.
 */
export class OperatorAlarms extends Construct {
  readonly topic: Topic;

  constructor(
    scope: Construct,
    id: string,
    props: { stage: string; email?: string; removalPolicy: RemovalPolicy },
  ) {
    super(scope, id);
    const key = new Key(this, 'TopicKey', {
      enableKeyRotation: true,
      description: 'Pistus alarm topic encryption',
      // dev goes entirely (KMS deletes a key after its waiting period); prod keeps it with the stage.
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      topicName: `pistus-${props.stage}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
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

  /**
   * Any error or throttle of the function within five minutes, and a p99 duration within 80% of its
   * timeout (the next slow dependency makes those requests time out, as API Gateway's own 500).
   */
  watchFunction(name: string, fn: IFunction, timeout: Duration) {
    this.alarm(
      `${name}-p99-duration`,
      `${name}: p99 duration within 80% of its ${timeout.toSeconds()} s timeout`,
      fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' }),
      timeout.toMilliseconds() * 0.8,
    );
    this.alarm(`${name}-errors`, `${name}: invocations failed`, fn.metricErrors({ period: FIVE_MINUTES }));
    this.alarm(
      `${name}-throttles`,
      `${name}: invocations throttled`,
      fn.metricThrottles({ period: FIVE_MINUTES }),
    );
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

  /** DynamoDB refusing the table's requests: throttled ones (capacity) or its own errors (5xx). */
  watchTable(name: string, table: ITableV2) {
    const operations = [
      Operation.GET_ITEM,
      Operation.PUT_ITEM,
      Operation.UPDATE_ITEM,
      Operation.DELETE_ITEM,
      Operation.QUERY,
    ];
    this.alarm(
      `${name}-table-throttles`,
      `${name} table: requests throttled`,
      table.metricThrottledRequestsForOperations({ operations, period: FIVE_MINUTES }),
    );
    this.alarm(
      `${name}-table-system-errors`,
      `${name} table: DynamoDB answered with its own errors`,
      table.metricSystemErrorsForOperations({ operations, period: FIVE_MINUTES }),
    );
  }

  /** A message in a dead-letter queue: a job failed after all its retries. */
  watchDeadLetters(name: string, queue: IQueue) {
    this.alarm(
      `${name}-dead-letters`,
      `${name}: failed after its retries; see its log and the dead-letter queue`,
      queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }),
    );
  }
}
