import type { SQSClient } from '@aws-sdk/client-sqs';
import { type EventSourceMapping, startEventSourceMapping } from '#infra/local/event-source-mapping';
import { localFunctionRuntime, type LocalSources } from '#infra/local/functions';
import type { FunctionRuntime } from '#infra/local/function-runtime';
import type { LocalSecrets } from '#infra/local/local-secrets';
import { allFunctions, mappingConcurrency } from '#infra/routes';

export interface LocalConsumers {
  stop(): Promise<void>;
}

/**
 * Every declared queue consumer, fed as Lambda feeds it: an event source mapping per consumer with its
 * batch size and maximum concurrency (`stage` is REMINDER_SENDERS, as the stack sets it), each poller
 * invoking an instance of its own (so each sender paces itself at its share of the SES rate, as on AWS).
 */
export function startLocalConsumers(
  client: SQSClient,
  sources: LocalSources,
  secrets: LocalSecrets,
  options: { onError?(name: string, error: unknown): void } = {},
): LocalConsumers {
  const senders = Number(sources.mail.REMINDER_SENDERS ?? 2);
  const instances: FunctionRuntime[] = [];
  const mappings: EventSourceMapping[] = [];
  for (const fn of allFunctions()) {
    if (!fn.consumes) continue;
    const queue = sources.queues[fn.consumes.queue.name];
    if (!queue) throw new Error(`no local queue for ${fn.consumes.queue.name}`);
    const concurrency = mappingConcurrency(fn.consumes, senders);
    const own = Array.from({ length: concurrency }, () => localFunctionRuntime(fn, sources, secrets));
    instances.push(...own);
    mappings.push(
      startEventSourceMapping({
        client,
        queueUrl: queue.url,
        queueArn: queue.arn,
        batchSize: fn.consumes.batchSize,
        maximumConcurrency: concurrency,
        invoke: (instance, event) => (own[instance] as FunctionRuntime).invoke(event),
        onError: (error) => options.onError?.(fn.name, error),
      }),
    );
  }
  return {
    async stop() {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
      await Promise.all(instances.map((instance) => instance.stop()));
    },
  };
}
