import { CfnOutput, Duration, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { OperatorAlarms } from '#infra/constructs/alarms';
import {
  type FunctionDeclaration,
  mappingConcurrency,
  queueOutputKeys,
  visibilityTimeoutOf,
} from '#infra/routes';
import { type QueueDeclaration, queues } from '#shared/aws/queues';

export interface StackQueue {
  queue: Queue;
  /** Where a message goes after `maxReceiveCount` failed receives; an alarm watches it. */
  deadLetters: Queue;
}

export interface StackQueues {
  get(declaration: QueueDeclaration): StackQueue;
}

/** The declared queues (shared/aws/queues.ts), each encrypted, TLS only, with its dead-letter queue and alarm. */
export function createQueues(
  stack: Stack,
  options: { removalPolicy: RemovalPolicy; alarms: OperatorAlarms },
): StackQueues {
  const created = new Map(
    queues.map((declaration) => {
      const secure = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
      const deadLetters = new Queue(stack, `${declaration.name}-dead-letters`, {
        ...secure,
        // The longest SQS keeps a message: time to fix the cause and redrive (`npm run deadline -- redrive`).
        retentionPeriod: Duration.days(14),
        removalPolicy: options.removalPolicy,
      });
      const queue = new Queue(stack, `${declaration.name}-queue`, {
        ...secure,
        visibilityTimeout: Duration.seconds(visibilityTimeoutOf(declaration)),
        // A reminder not sent within two days is queued again by the next plans anyway.
        retentionPeriod: Duration.days(2),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: declaration.maxReceiveCount },
        removalPolicy: options.removalPolicy,
      });
      options.alarms.watchDeadLetters(declaration.name, deadLetters);
      const keys = queueOutputKeys(declaration);
      new CfnOutput(stack, keys.url, { value: queue.queueUrl });
      new CfnOutput(stack, keys.deadLettersUrl, { value: deadLetters.queueUrl });
      new CfnOutput(stack, keys.deadLettersArn, { value: deadLetters.queueArn });
      return [declaration.name, { queue, deadLetters }] as const;
    }),
  );
  return {
    get(declaration) {
      const queue = created.get(declaration.name);
      if (!queue)
        throw new Error(`a function declares queue ${declaration.name}, which the stack does not have`);
      return queue;
    },
  };
}

/**
 * The event source mapping from a declaration's queue to its function: its batch size, its maximum
 * concurrency, and partial batch responses (only the messages the function names come back). The mapping
 * receives and deletes; CDK grants the function's role exactly that on this queue.
 */
export function consumeQueue(
  fn: IFunction,
  declaration: FunctionDeclaration,
  options: { queues: StackQueues; stageConcurrency: number },
) {
  const { consumes } = declaration;
  if (!consumes) return;
  fn.addEventSource(
    new SqsEventSource(options.queues.get(consumes.queue).queue, {
      batchSize: consumes.batchSize,
      maxConcurrency: mappingConcurrency(consumes, options.stageConcurrency),
      reportBatchItemFailures: true,
    }),
  );
}
