import type { FunctionRuntime } from '#infra/local/function-runtime';

/**
 * Invokes a job as EventBridge does (a scheduled event), or as a manual invocation with `{now}` does.
 */
export function invokeJob(
  runtime: FunctionRuntime,
  manual: { now?: string; dryRun?: boolean } = {},
): Promise<unknown> {
  const { now, dryRun } = manual;
  const event =
    now === undefined && !dryRun
      ? {
          version: '0',
          id: crypto.randomUUID(),
          source: 'aws.events',
          account: '000000000000',
          region: 'us-east-1',
          resources: [],
          detail: {},
          'detail-type': 'Scheduled Event',
          time: new Date().toISOString(),
        }
      : { ...(now === undefined ? {} : { now }), ...(dryRun ? { dryRun } : {}) };
  return runtime.invoke(event);
}
