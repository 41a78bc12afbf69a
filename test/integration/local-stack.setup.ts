import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    dynamodbEndpoint: string;
    sesEndpoint: string;
    tablePrefix: string;
    /** The running stack's state file, for the operator commands (`npm run deadline`, `npm run account`). */
    stateFile: string;
    /** Everything the stack has printed: its functions' logs. */
    logFile: string;
  }
}

/**
 * Starts the stack exactly as `npm start` does, in a child process on free ports, with its own tables and
 * secrets. DYNAMODB_ENDPOINT, when set, points it at another emulator (CI runs the suite again against
 * AWS's DynamoDB Local). The process is stopped by its pid when the suite ends.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'pistus-test-'));
  const tablePrefix = `test-${randomBytes(4).toString('hex')}-`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DYNAMODB_PORT: '0',
      TABLE_PREFIX: tablePrefix,
      SES_PORT: '0',
      LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
      LOCAL_STATE_FILE: join(dir, 'stack.json'),
      // Cheap hashes keep the suite fast; the shipped default is 12 and non-local stages refuse below 10.
      BCRYPT_COST: '4',
      // The tests run the job themselves, with the clock they choose.
      DEADLINE_INTERVAL: 'off',
      // A second origin, as the deployed shape has (static site and API on different origins).
      ALLOWED_ORIGINS: 'http://app.allowed.test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const logFile = join(dir, 'stack.log');
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const ready = await new Promise<{ api: string; dynamodb: string; ses: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack not ready in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const api = /API\s+(http:\S+)/.exec(output)?.[1];
      const dynamodb = /DynamoDB\s+(http:\S+)/.exec(output)?.[1];
      const ses = /Mail\s+(http:\S+)/.exec(output)?.[1];
      if (api && dynamodb && ses) {
        clearTimeout(timer);
        resolve({ api, dynamodb, ses });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}:\n${output}`)));
  });
  project.provide('apiUrl', ready.api);
  project.provide('dynamodbEndpoint', ready.dynamodb);
  project.provide('sesEndpoint', ready.ses);
  project.provide('tablePrefix', tablePrefix);
  project.provide('stateFile', join(dir, 'stack.json'));
  project.provide('logFile', logFile);

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid as number, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
