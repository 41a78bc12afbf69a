/**
 * `npm run deadline -- [redrive] [--now <ISO-8601>] [--dry-run] [--stack STACK]`.
 *
 * Without a command: runs the payment-deadline planner once and prints its summary: against the running
 * local stack by default (and waits until the reminders it queued have been sent, so they are in the mail
 * viewer when it returns), or by invoking the deployed planner of a stage (--stack Pistus-dev, AWS
 * credentials from the environment). Exits 1 when something was left unprocessed, as the invocation fails
 * then.
 *
 * `redrive`: moves the messages of the deadline queues' dead-letter queues back to their queues, after the
 * cause is fixed; with --dry-run, only says how many there are.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { fail, parseFlags } from '#infra/cli/args';
import { localFunction } from '#infra/cli/local-target';
import { moveMessages, queueDepth, startRedrive, waitUntilDrained } from '#infra/cli/queue-operations';
import { stackOutputs } from '#infra/cli/stack-target';
import { invokeJob } from '#infra/local/job-runner';
import { localSqsClient } from '#infra/local/sqs';
import { DEFAULT_STATE_FILE, readLocalState } from '#infra/local/state';
import { queues } from '#shared/aws/queues';
import { queueOutputKeys } from '#infra/routes';

const usage =
  'usage: npm run deadline -- [--now 2030-01-01T00:00:00Z] [--dry-run] [--stack Pistus-dev] [--state .local/stack.json] [--wait 600]\n' +
  '       npm run deadline -- redrive [--dry-run] [--stack Pistus-dev] [--state .local/stack.json]';
const { values, positionals } = parseFlags(
  process.argv.slice(2),
  {
    now: { type: 'string' },
    state: { type: 'string' },
    stack: { type: 'string' },
    'dry-run': { type: 'boolean' },
    wait: { type: 'string' },
  },
  usage,
);
const [command, ...extra] = positionals;
if (extra.length || (command !== undefined && command !== 'redrive'))
  fail(`unknown command: ${positionals.join(' ')}\n${usage}`);
if (values.now !== undefined && Number.isNaN(Date.parse(values.now)))
  fail(`--now: not an ISO-8601 date-time\n${usage}`);
// Time travel deletes and mails as of another moment: never against a deployed stage, whatever the typo.
if (values.now !== undefined && values.stack !== undefined)
  fail('--now: only the local stack runs as of another moment; a deployed job always runs as of now');
if (command === 'redrive' && values.now !== undefined) fail(`--now: not for redrive\n${usage}`);
const waitSeconds = Number(values.wait ?? 600);
if (!Number.isInteger(waitSeconds) || waitSeconds < 0) fail(`--wait: a number of seconds\n${usage}`);

async function invokeDeployed(stack: string) {
  const functionName = (await stackOutputs(stack)).DeadlineFunctionName;
  if (!functionName) throw new Error(`stack ${stack} has no DeadlineFunctionName output`);
  const result = await new LambdaClient({}).send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(values['dry-run'] ? { dryRun: true } : {})),
    }),
  );
  const payload = new TextDecoder().decode(result.Payload);
  if (result.FunctionError) throw new Error(`the job failed: ${payload}`);
  return JSON.parse(payload) as unknown;
}

async function runLocal() {
  const { state, runtime } = localFunction('deadline', values.state);
  let summary: unknown;
  try {
    summary = await invokeJob(runtime, { now: values.now, dryRun: values['dry-run'] });
  } finally {
    await runtime.stop();
  }
  console.log(JSON.stringify(summary));
  // The running stack's pollers send what the plan queued; the command returns once they have.
  const sqs = localSqsClient(state.sqsUrl);
  const queueUrls = Object.values(state.sources.queues).map((queue) => queue.url);
  const left = await waitUntilDrained(sqs, queueUrls, waitSeconds * 1000);
  const parked = await Promise.all(
    Object.values(state.sources.queues).map((queue) => queueDepth(sqs, queue.deadLettersUrl)),
  );
  sqs.destroy();
  if (left)
    console.log(`${left} messages still queued after ${waitSeconds} s; the stack goes on sending them`);
  const dead = parked.reduce((sum, depth) => sum + depth.waiting, 0);
  if (dead)
    console.log(
      `${dead} messages in the dead-letter queues: fix the cause, then npm run deadline -- redrive`,
    );
  console.log(`Reminder emails: ${state.sesUrl}`);
}

async function redrive() {
  const dryRun = values['dry-run'] === true;
  if (values.stack) {
    const outputs = await stackOutputs(values.stack);
    const sqs = new SQSClient({});
    for (const queue of queues) {
      const keys = queueOutputKeys(queue);
      const url = outputs[keys.deadLettersUrl];
      const arn = outputs[keys.deadLettersArn];
      if (!url || !arn) throw new Error(`stack ${values.stack} has no dead-letter outputs for ${queue.name}`);
      const { waiting } = await queueDepth(sqs, url);
      if (dryRun || waiting === 0) console.log(`${queue.name}: ${waiting} dead-letter messages`);
      else
        console.log(
          `${queue.name}: moving ${waiting} messages back (SQS task ${await startRedrive(sqs, arn)})`,
        );
    }
    return;
  }
  const state = readLocalState(values.state ?? process.env.LOCAL_STATE_FILE ?? DEFAULT_STATE_FILE);
  const sqs = localSqsClient(state.sqsUrl);
  try {
    for (const queue of queues) {
      const local = state.sources.queues[queue.name];
      if (!local) continue;
      const { waiting } = await queueDepth(sqs, local.deadLettersUrl);
      if (dryRun) console.log(`${queue.name}: ${waiting} dead-letter messages`);
      else
        console.log(
          `${queue.name}: moved ${await moveMessages(sqs, local.deadLettersUrl, local.url)} messages back`,
        );
    }
  } finally {
    sqs.destroy();
  }
}

try {
  if (command === 'redrive') await redrive();
  else if (values.stack) console.log(JSON.stringify(await invokeDeployed(values.stack)));
  else await runLocal();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
