import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import type { RunningEmulator } from '#infra/local/dynamodb';
import type { QueueDeclaration } from '#shared/aws/queues';

/**
 * fauxqs: SQS's API in process and in memory: visibility timeouts, long polling, receive counts and the
 * redrive to a dead-letter queue after `maxReceiveCount`. Started from its app rather than its own starter,
 * which listens on every interface: here it listens on loopback only.
 */
export async function startSqsEmulator(port: number): Promise<RunningEmulator> {
  const app = buildApp({ logger: false });
  const endpoint = await app.listen({ port, host: '127.0.0.1' });
  return { endpoint, stop: () => app.close() };
}

/** A client to the emulator, as the operator tools and the local poller use it. */
export const localSqsClient = (endpoint: string) =>
  new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export interface LocalQueue {
  url: string;
  arn: string;
  deadLettersUrl: string;
}

/**
 * Creates each declared queue with its dead-letter queue and redrive policy, as the stack does. The URLs
 * name the emulator's own address (it finds a queue by the path's name), so every SDK client reaches it
 * through the URL alone, with no endpoint setting.
 */
export async function ensureQueues(
  endpoint: string,
  declarations: readonly QueueDeclaration[],
  options: {
    queueName(queue: QueueDeclaration): string;
    visibilityTimeoutSeconds(queue: QueueDeclaration): number;
  },
): Promise<Record<string, LocalQueue>> {
  const client = localSqsClient(endpoint);
  const urlOf = (name: string) => `${endpoint}/000000000000/${name}`;
  const created: Record<string, LocalQueue> = {};
  try {
    for (const queue of declarations) {
      const name = options.queueName(queue);
      await client.send(new CreateQueueCommand({ QueueName: `${name}-dead-letters` }));
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: urlOf(`${name}-dead-letters`),
          AttributeNames: ['QueueArn'],
        }),
      );
      await client.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(options.visibilityTimeoutSeconds(queue)),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: Attributes?.QueueArn,
              maxReceiveCount: queue.maxReceiveCount,
            }),
          },
        }),
      );
      created[queue.name] = {
        url: urlOf(name),
        arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
        deadLettersUrl: urlOf(`${name}-dead-letters`),
      };
    }
  } finally {
    client.destroy();
  }
  return created;
}
