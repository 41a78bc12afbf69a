import { randomBytes } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LIFTED_LIMITS, startLocalStackProcess } from '../support/local-stack.ts';
import { freePort } from '../support/identity-providers.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    dynamodbEndpoint: string;
    sesEndpoint: string;
    sqsEndpoint: string;
    tablePrefix: string;
    /** The running stack's state file, for the operator commands (`npm run deadline`, `npm run account`). */
    stateFile: string;
    /** One line per DynamoDB request of the functions: `<operation> <table> [<index>]`. */
    dynamodbJournal: string;
    /** Everything the stack has printed: its functions' logs. */
    logFile: string;
    /** The stack's own test identity provider (`test`), as `npm start` runs it. */
    identityProviderUrl: string;
    /**
     * The ports of the stand-ins the stack is told of, which the identity provider tests start: `probe`
     * (an OpenID provider the tests make misbehave; also Apple's stand-in, `apple`), `gh` (GitHub) and
     * `down` (a provider that never answers).
     */
    standInPorts: { probe: number; github: number; down: number };
    /** The public key of the stand-in Apple key in the identity secret (PEM), to check its client secrets. */
    appleKey: string;
  }
}

/**
 * The identity providers the suite's stack declares besides its own test provider, at ports chosen now;
 * Apple's client secret is made from a key of the suite's, put in the identity secret as an operator would.
 */
async function identityStandIns(dir: string) {
  const ports = { probe: await freePort(), github: await freePort(), down: await freePort() };
  const probe = `http://127.0.0.1:${ports.probe}`;
  const github = `http://127.0.0.1:${ports.github}`;
  const providers = [
    { id: 'probe', name: 'Probe', issuer: probe, clientId: 'pistus-probe' },
    { id: 'apple', kind: 'apple', issuer: probe, clientId: 'example.pistus.signin' },
    { id: 'gh', kind: 'github', clientId: 'pistus-gh', webUrl: github, apiUrl: `${github}/api` },
    { id: 'down', name: 'Down', issuer: `http://127.0.0.1:${ports.down}`, clientId: 'pistus-down' },
  ];
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const apple = {
    teamId: 'TEAM123456',
    keyId: 'KEY1234567',
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(
    secretsFile,
    JSON.stringify({ IDENTITY_PROVIDER_SECRETS: JSON.stringify({ apple, gh: 'gh-client-secret' }) }),
    { mode: 0o600 },
  );
  return {
    ports,
    secretsFile,
    appleKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    settings: { IDENTITY_PROVIDERS: JSON.stringify(providers), IDENTITY_PROVIDER_TIMEOUT_MS: '1000' },
  };
}

/**
 * The stack as `npm start` runs it, on free ports, with its own tables and secrets. DYNAMODB_ENDPOINT, when
 * set, points it at another emulator (CI runs the suite again against AWS's DynamoDB Local). `settings`
 * are the shell's settings of this stack beyond the suite's own.
 */
export async function startStackFor(project: TestProject, settings: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'pistus-test-'));
  const tablePrefix = `test-${randomBytes(4).toString('hex')}-`;
  const logFile = join(dir, 'stack.log');
  const standIns = await identityStandIns(dir);
  const stack = await startLocalStackProcess(
    {
      TABLE_PREFIX: tablePrefix,
      LOCAL_SECRETS_FILE: standIns.secretsFile,
      LOCAL_STATE_FILE: join(dir, 'stack.json'),
      // Each DynamoDB request of the functions, journaled: the admin search shows it never scans.
      DYNAMODB_JOURNAL: join(dir, 'dynamodb.journal'),
      // Cheap hashes keep the suite fast; the shipped default is 12 and non-local stages refuse below 10.
      BCRYPT_COST: '4',
      // A second origin, as the deployed shape has (static site and API on different origins).
      ALLOWED_ORIGINS: 'http://app.allowed.test',
      ...LIFTED_LIMITS,
      // A reminder a sender failed comes back in 2 s rather than 6 minutes (six times the sender's timeout).
      QUEUE_VISIBILITY_SECONDS: '2',
      // SES's emulator takes any rate: the sandbox's one mail a second (npm start's) would queue the files
      // that sign up with an address side by side behind each other's mail.
      SES_MAX_SEND_RATE: '50',
      // The clean-up run frees a deleted account's name at once, not an hour later.
      ACCOUNT_DELETION_GRACE_SECONDS: '0',
      // The services access tokens are for (tokens.test.ts).
      TOKEN_AUDIENCES: 'orders-api,billing-api',
      ...standIns.settings,
      ...settings,
    },
    logFile,
  );
  project.provide('apiUrl', stack.urls.api);
  project.provide('dynamodbEndpoint', stack.urls.dynamodb);
  project.provide('sesEndpoint', stack.urls.mail);
  project.provide('sqsEndpoint', stack.urls.sqs);
  project.provide('tablePrefix', tablePrefix);
  project.provide('stateFile', join(dir, 'stack.json'));
  project.provide('logFile', logFile);
  project.provide('dynamodbJournal', join(dir, 'dynamodb.journal'));
  project.provide('identityProviderUrl', stack.urls.identityProvider);
  project.provide('standInPorts', standIns.ports);
  project.provide('appleKey', standIns.appleKey);
  return async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * The contract's stack. "Forgot password" answers after 20 ms rather than 500: what these files check of it
 * is what it answers and mails; its timing is the `timing` project's, on a stack with the real floor.
 */
export default (project: TestProject) => startStackFor(project, { FORGOT_ANSWER_FLOOR_MS: '20' });
