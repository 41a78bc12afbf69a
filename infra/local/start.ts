/**
 * `npm start`: the whole stack on this machine, with no Docker and no AWS account. DynamoDB is the embedded
 * emulator unless DYNAMODB_ENDPOINT names another; SES is a local emulator with a mail viewer; the API runs
 * the real handlers behind a local API Gateway; the jobs run on their schedule. Ctrl-C or SIGTERM stops it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { createApiServer, declaredRoutes } from '#infra/local/api-server';
import { buildClient, startClientServer } from '#infra/local/client';
import { ensureTables, type RunningEmulator, startDynalite } from '#infra/local/dynamodb';
import { startDynamodbJournal } from '#infra/local/dynamodb-journal';
import type { FunctionRuntime } from '#infra/local/function-runtime';
import { localSources, startLocalFunctions } from '#infra/local/functions';
import { invokeJob } from '#infra/local/job-runner';
import { localSecrets } from '#infra/local/local-secrets';
import { startSesEmulator } from '#infra/local/ses';
import { startTestIdentityProvider } from '#infra/local/test-identity-provider';
import { ensureQueues, localSqsClient, startSqsEmulator } from '#infra/local/sqs';
import { startLocalConsumers } from '#infra/local/consumers';
import { DEFAULT_STATE_FILE, writeLocalState } from '#infra/local/state';
import { corsConfiguration, jobs, scheduleIntervalMs, visibilityTimeoutOf } from '#infra/routes';
import { queues } from '#shared/aws/queues';
import { tables } from '#shared/data/tables';

const port = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535)), fallback);
// Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer one would silently fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const duration = z.pipe(
  z.string().check(
    z.regex(/^(\d+(ms|s|m|h|d)|off)$/, 'must be off, or a number with ms, s, m, h or d, like 24h'),
    z.refine((value) => value === 'off' || toMs(value) <= MAX_TIMER_MS, 'must be at most 24d'),
    z.refine((value) => value === 'off' || toMs(value) > 0, 'must be more than 0'),
  ),
  z.transform((value: string) => (value === 'off' ? ('off' as const) : toMs(value))),
);
function toMs(value: string): number {
  const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(value) ?? [];
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}
const parsed = z
  .object({
    PORT: port(3000),
    DYNAMODB_PORT: port(8000),
    SES_PORT: port(8005),
    SQS_PORT: port(8006),
    /** The test OpenID provider (provider `test`): any address signs in, locally only. */
    OIDC_TEST_PORT: port(8007),
    /**
     * The queues' visibility timeout, in place of six times their consumer's timeout (as on AWS): how soon
     * a message a consumer failed comes back. Tests shorten it.
     */
    QUEUE_VISIBILITY_SECONDS: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(43200))),
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    DYNAMODB_PATH: z.optional(z.string().check(z.minLength(1))),
    /** Tests: a file where each DynamoDB request of the functions is journaled (infra/local/dynamodb-journal.ts). */
    DYNAMODB_JOURNAL: z.optional(z.string().check(z.minLength(1))),
    TABLE_PREFIX: z._default(z.string().check(z.regex(/^[A-Za-z0-9_.-]*$/)), 'pistus-local-'),
    LOCAL_SECRETS_FILE: z._default(z.string(), '.local/secrets.json'),
    LOCAL_STATE_FILE: z._default(z.string(), DEFAULT_STATE_FILE),
    DEADLINE_INTERVAL: z.optional(duration),
    /** Also serve the browser client on this port: another origin, as when it is deployed apart from the API. */
    CLIENT_PORT: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535))),
  })
  .safeParse(process.env);
if (!parsed.success) {
  console.error(
    `Invalid local settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  process.exit(1);
}
const local = parsed.data;
const started = Date.now();

// Emulators accept any credentials; fixed placeholders mean real AWS credentials in the shell are never used.
// (This process only creates tables; each function gets its own environment, see below.)
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';

const emulators: RunningEmulator[] = [];
const dynamodb = local.DYNAMODB_ENDPOINT
  ? undefined
  : await startDynalite({ port: local.DYNAMODB_PORT, path: local.DYNAMODB_PATH });
if (dynamodb) emulators.push(dynamodb);
const ses = await startSesEmulator(local.SES_PORT);
emulators.push(ses);
const sqs = await startSqsEmulator(local.SQS_PORT);
emulators.push(sqs);
const identityProvider = await startTestIdentityProvider(local.OIDC_TEST_PORT);
emulators.push({ endpoint: identityProvider.url, stop: () => identityProvider.stop() });
const localQueues = await ensureQueues(sqs.endpoint, queues, {
  queueName: (queue) => `${local.TABLE_PREFIX}${queue.name}`,
  visibilityTimeoutSeconds: (queue) => local.QUEUE_VISIBILITY_SECONDS ?? visibilityTimeoutOf(queue),
});
const dynamodbEndpoint = local.DYNAMODB_ENDPOINT ?? (dynamodb as RunningEmulator).endpoint;

// The functions reach DynamoDB through the journal when one is asked for; this process and the tests do not.
const journal = local.DYNAMODB_JOURNAL
  ? await startDynamodbJournal(dynamodbEndpoint, local.DYNAMODB_JOURNAL)
  : undefined;
if (journal) emulators.push(journal);

const tableName = (table: { name: string }) => `${local.TABLE_PREFIX}${table.name}`;
await ensureTables(new DynamoDBClient({ endpoint: dynamodbEndpoint }), tables, tableName);

// Each function runs alone with the environment the stack gives it, local values in place of ARNs: its
// own tables, its own secrets, nothing else (infra/function-environment.ts).
// The API listens first: its address is where the client is served, which the account mails link to.
const api = createServer();
// Idle connections stay open 30 s (Node's default is 5 s): a client whose process blocks a few seconds (a
// test running an operator command with spawnSync) would otherwise send its next request on a connection
// this server closed meanwhile. API Gateway keeps idle connections longer still.
api.keepAliveTimeout = 30_000;
api.headersTimeout = 31_000;
await new Promise<void>((ready) => api.listen(local.PORT, '127.0.0.1', ready));
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
const secrets = localSecrets(resolve(local.LOCAL_SECRETS_FILE));
const sources = localSources({
  shell: process.env,
  dynamodbEndpoint: journal?.endpoint ?? dynamodbEndpoint,
  sesEndpoint: ses.endpoint,
  appUrl: apiUrl,
  passkeyOrigin: apiUrl.replace('127.0.0.1', 'localhost'),
  tableName,
  queues: localQueues,
});
// The test provider first, then any the shell declares (IDENTITY_PROVIDERS), as a stage declares its own.
sources.common.IDENTITY_PROVIDERS = JSON.stringify([
  { id: 'test', name: 'Test provider', issuer: identityProvider.url, clientId: 'pistus-local' },
  ...(JSON.parse(process.env.IDENTITY_PROVIDERS || '[]') as unknown[]),
]);
const functions = startLocalFunctions(sources, secrets);
// The queues' consumers, polled as Lambda's event source mappings poll them.
const sqsClient = localSqsClient(sqs.endpoint);
const consumers = startLocalConsumers(sqsClient, sources, secrets, {
  onError: (name, error) =>
    console.log(`[${name}] poller: ${error instanceof Error ? error.message : String(error)}`),
});

const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);
createApiServer(
  {
    routes: declaredRoutes(functions),
    cors: corsConfiguration(allowedOrigins),
    client: await buildClient({ apiUrl: '', mailUrl: ses.endpoint }),
  },
  api,
);
const clientServer =
  local.CLIENT_PORT === undefined
    ? undefined
    : await startClientServer(local.CLIENT_PORT, await buildClient({ apiUrl, mailUrl: ses.endpoint }));
const clientUrl = clientServer && `http://127.0.0.1:${(clientServer.address() as AddressInfo).port}`;

// What the operator commands need to act as the functions do; secrets stay in their own file.
const stateFile = resolve(local.LOCAL_STATE_FILE);
writeLocalState(stateFile, { pid: process.pid, apiUrl, sesUrl: ses.endpoint, sqsUrl: sqs.endpoint, sources });

const dynamodbNote = dynamodb ? ` (dynalite, ${local.DYNAMODB_PATH ?? 'in memory'})` : '';
console.log(
  [
    '',
    `Pistus local stack ready in ${Date.now() - started} ms`,
    `  App       ${apiUrl}/   (the browser client)`,
    ...(clientUrl
      ? [`  App       ${clientUrl}/   (the same client on another origin; add it to ALLOWED_ORIGINS)`]
      : []),
    `  Passkeys  ${apiUrl.replace('127.0.0.1', 'localhost')}/   (the same client where passkeys work: WebAuthn takes no IP address)`,
    `  API       ${apiUrl}`,
    `  API docs  ${apiUrl}/docs   (the reference, from ${apiUrl}/openapi.json)`,
    `  Mail      ${ses.endpoint}   (every mail sent: reminders, verification and reset links)`,
    `  DynamoDB  ${dynamodbEndpoint}${dynamodbNote}`,
    `  Sign-in   ${identityProvider.url}   (the test identity provider: any address signs in, verified)`,
    `  SQS       ${sqs.endpoint}   (fauxqs: the reminders queue and its dead letters, polled as Lambda polls them)`,
    `  Try       curl -i ${apiUrl}/check_session`,
    '           npm run deadline -- --now 2030-01-01T00:00:00Z',
    '',
  ].join('\n'),
);

// The jobs, as EventBridge runs them: once now, then on their schedule (DEADLINE_INTERVAL overrides it).
const timers: NodeJS.Timeout[] = [];
async function runJob(name: string) {
  try {
    console.log(`[${name}] ${JSON.stringify(await invokeJob(functions.get(name) as FunctionRuntime))}`);
  } catch (error) {
    console.log(`[${name}] failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
for (const job of jobs) {
  const interval = local.DEADLINE_INTERVAL ?? Math.min(scheduleIntervalMs(job.schedule), MAX_TIMER_MS);
  if (interval === 'off') continue;
  void runJob(job.name);
  timers.push(setInterval(() => void runJob(job.name), interval));
}

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  for (const timer of timers) clearInterval(timer);
  api.closeAllConnections();
  await new Promise((done) => api.close(done));
  clientServer?.closeAllConnections();
  await new Promise((done) => (clientServer ? clientServer.close(done) : done(undefined)));
  await consumers.stop();
  sqsClient.destroy();
  await Promise.all([...functions.values()].map((fn) => fn.stop()));
  await Promise.all(emulators.map((emulator) => emulator.stop()));
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
