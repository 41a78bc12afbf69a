import type { Context } from 'aws-lambda';
import { lambdaContext } from '#infra/local/api-gateway-event';
import { jobs } from '#infra/routes';

type JobHandler = (event: { now?: string }, context: Context) => Promise<unknown>;

/** Loads a declared job's handler file, the same one the stack deploys. */
export async function loadJob(name: string): Promise<JobHandler> {
  if (!jobs.some((job) => job.name === name)) throw new Error(`no job named ${name}`);
  const module = (await import(new URL(`../../functions/${name}.ts`, import.meta.url).href)) as {
    handler: JobHandler;
  };
  return module.handler;
}

/** Invokes a job as EventBridge would (or as a manual invocation with `now`), with the job's time limit. */
export async function invokeJob(name: string, now?: string): Promise<unknown> {
  const handler = await loadJob(name);
  const job = jobs.find((j) => j.name === name);
  const deadline = Date.now() + (job?.timeoutSeconds ?? 900) * 1000;
  const context = {
    ...lambdaContext(name, crypto.randomUUID()),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  const event =
    now === undefined
      ? { source: 'aws.events', 'detail-type': 'Scheduled Event', time: new Date().toISOString() }
      : { now };
  return handler(event, context);
}
