import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LIFTED_LIMITS, startLocalStackProcess } from '../support/local-stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    dynamodbEndpoint: string;
    sesEndpoint: string;
    sqsEndpoint: string;
    tablePrefix: string;
    /** The running stack's state file, for the operator commands (`npm run deadline`, `npm run account`). */
    stateFile: string;
    /** Everything the stack has printed: its functions' logs. */
    logFile: string;
  }
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
  const stack = await startLocalStackProcess(
    {
      TABLE_PREFIX: tablePrefix,
      LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
      LOCAL_STATE_FILE: join(dir, 'stack.json'),
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
