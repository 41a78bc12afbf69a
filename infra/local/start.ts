/**
 * `npm start`: the whole stack on this machine, with no Docker and no AWS account. DynamoDB is the
 * embedded emulator unless DYNAMODB_ENDPOINT names another; the API runs the real handlers behind a
 * local API Gateway. Ctrl-C or SIGTERM stops everything.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { createApiServer } from '#infra/local/api-server';
import { ensureTables, type RunningEmulator, startDynalite } from '#infra/local/dynamodb';
import { localSecrets } from '#infra/local/local-secrets';
import { tables } from '#shared/tables';

const port = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535)), fallback);
const localSettings = z
  .object({
    PORT: port(3000),
    DYNAMODB_PORT: port(8000),
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    DYNAMODB_PATH: z.optional(z.string().check(z.minLength(1))),
    TABLE_PREFIX: z._default(z.string().check(z.regex(/^[A-Za-z0-9_.-]*$/)), 'pistus-local-'),
    LOCAL_SECRETS_FILE: z._default(z.string(), '.local/secrets.json'),
  })
  .parse(process.env);

const started = Date.now();
let emulator: RunningEmulator | undefined;
if (!localSettings.DYNAMODB_ENDPOINT) {
  emulator = await startDynalite({ port: localSettings.DYNAMODB_PORT, path: localSettings.DYNAMODB_PATH });
}
const endpoint = localSettings.DYNAMODB_ENDPOINT ?? (emulator as RunningEmulator).endpoint;

// Emulators accept any credentials; fixed placeholders mean real AWS credentials in the shell are never used.
process.env.AWS_REGION = 'us-east-1';
// The SDK warns that Node 20 support ends in 2027; Lambda runs Node 24, and the README says so once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';

const tableName = (table: { name: string }) => `${localSettings.TABLE_PREFIX}${table.name}`;
await ensureTables(new DynamoDBClient({ endpoint }), tables, tableName);

// The settings every function reads, as the stack would set them.
const secrets = localSecrets(resolve(localSettings.LOCAL_SECRETS_FILE));
process.env.STAGE ??= 'local';
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.SIGNING_KEYS ??= secrets.SIGNING_KEYS;
process.env.PASSWORD_PEPPER ??= secrets.PASSWORD_PEPPER;
for (const table of tables) process.env[table.envVar] = tableName(table);

const allowedOrigins = (process.env.ALLOWED_ORIGINS ?? '')
  .split(',')
  .map((origin) => origin.trim())
  .filter(Boolean);
const api = await createApiServer({ allowedOrigins });
await new Promise<void>((ready) => api.listen(localSettings.PORT, '127.0.0.1', ready));
const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;

console.log(
  [
    '',
    `Pistus local stack ready in ${Date.now() - started} ms`,
    `  API       ${apiUrl}`,
    `  DynamoDB  ${endpoint}${emulator ? (localSettings.DYNAMODB_PATH ? ` (dynalite, ${localSettings.DYNAMODB_PATH})` : ' (dynalite, in memory)') : ''}`,
    `  Try       curl -i ${apiUrl}/check_session`,
    '',
  ].join('\n'),
);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  api.closeAllConnections();
  await new Promise((done) => api.close(done));
  await emulator?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
