import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * The per-client limits lifted, for a suite that signs up hundreds of users and follows many links from one
 * loopback address; the shipped defaults are tested on a stack of their own (request-limits.test.ts).
 */
export const LIFTED_LIMITS = {
  SIGNUP_LIMIT_PER_IP: '100000',
  RESET_LIMIT_PER_IP: '100000',
  VERIFY_LIMIT_PER_IP: '100000',
  PASSWORD_CHANGE_LIMIT_PER_ACCOUNT: '10000',
  PASSKEY_OPTIONS_LIMIT_PER_IP: '100000',
  SIGN_IN_STARTS_LIMIT_PER_IP: '100000',
};

export interface LocalStackProcess {
  urls: Record<'app' | 'api' | 'mail' | 'dynamodb' | 'sqs' | 'identityProvider', string>;
  stop(): Promise<void>;
}

/**
 * Starts the stack exactly as `npm start` does, in a child process (free ports unless `env` names them),
 * waits for its banner, and stops it by its pid. Tests and benchmarks share this one way of starting it.
 */
export async function startLocalStackProcess(
  env: Record<string, string>,
  logFile?: string,
): Promise<LocalStackProcess> {
  const child: ChildProcess = spawn(process.execPath, ['infra/local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DYNAMODB_PORT: '0',
      SES_PORT: '0',
      SQS_PORT: '0',
      OIDC_TEST_PORT: '0',
      DEADLINE_INTERVAL: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (logFile) {
    const log = createWriteStream(logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  let output = '';
  const urls = await new Promise<LocalStackProcess['urls']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack not ready in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const find = (pattern: RegExp) => pattern.exec(output)?.[1];
      const app = find(/App\s+(http:\S+?)\/\s+\(the browser client\)/);
      const api = find(/API\s+(http:\S+)/);
      const mail = find(/Mail\s+(http:\S+)/);
      const dynamodb = find(/DynamoDB\s+(http:\S+)/);
      const sqs = find(/SQS\s+(http:\S+)/);
      const identityProvider = find(/Sign-in\s+(http:\S+)/);
      if (app && api && mail && dynamodb && sqs && identityProvider) {
        clearTimeout(timer);
        resolve({ app, api, mail, dynamodb, sqs, identityProvider });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}:\n${output}`)));
  });
  return {
    urls,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid as number, 'SIGTERM');
      await exited;
    },
  };
}
