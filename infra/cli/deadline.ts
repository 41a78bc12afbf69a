/**
 * `npm run deadline -- [--now <ISO-8601>] [--dry-run] [--stack STACK]`: runs the payment-deadline job once and prints its
 * summary: against the running local stack by default, or by invoking the deployed job function of a stage
 * (--stack Pistus-dev, AWS credentials from the environment). Exits 1 when something was left unprocessed,
 * as the Lambda invocation fails then.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { fail, parseFlags } from '#infra/cli/args';
import { localFunction } from '#infra/cli/local-target';
import { stackOutputs } from '#infra/cli/stack-target';
import { invokeJob } from '#infra/local/job-runner';

const usage =
  'usage: npm run deadline -- [--now 2030-01-01T00:00:00Z] [--dry-run] [--stack Pistus-dev] [--state .local/stack.json]';
const { values } = parseFlags(
  process.argv.slice(2),
  {
    now: { type: 'string' },
    state: { type: 'string' },
    stack: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  usage,
);
if (values.now !== undefined && Number.isNaN(Date.parse(values.now)))
  fail(`--now: not an ISO-8601 date-time\n${usage}`);
// Time travel deletes and mails as of another moment: never against a deployed stage, whatever the typo.
if (values.now !== undefined && values.stack !== undefined)
  fail('--now: only the local stack runs as of another moment; a deployed job always runs as of now');

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

try {
  if (values.stack) {
    console.log(JSON.stringify(await invokeDeployed(values.stack)));
  } else {
    const { state, runtime } = localFunction('deadline', values.state);
    try {
      console.log(JSON.stringify(await invokeJob(runtime, { now: values.now, dryRun: values['dry-run'] })));
    } finally {
      await runtime.stop();
    }
    console.log(`Reminder emails: ${state.sesUrl}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
