/**
 * `npm run deadline -- [--now <ISO-8601>]`: runs the payment-deadline job once against the running local
 * stack, as of `now` (default: the real time), and prints its summary. Exits 1 when something was left
 * unprocessed, as the Lambda invocation would fail.
 */
import { fail, parseFlags } from '#infra/cli/args';
import { useLocalStack } from '#infra/cli/local-target';
import { invokeJob } from '#infra/local/job-runner';

const usage = 'usage: npm run deadline -- [--now 2030-01-01T00:00:00Z] [--state .local/stack.json]';
const { values } = parseFlags(
  process.argv.slice(2),
  { now: { type: 'string' }, state: { type: 'string' } },
  usage,
);
if (values.now !== undefined && Number.isNaN(Date.parse(values.now)))
  fail(`--now: not an ISO-8601 date-time\n${usage}`);

try {
  const state = useLocalStack(values.state);
  process.env.LOG_LEVEL ??= 'WARN';
  const summary = await invokeJob('deadline', values.now);
  console.log(JSON.stringify(summary));
  console.log(`Reminder emails: ${state.sesUrl}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
