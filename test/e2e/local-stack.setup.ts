import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { hasChromium } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    otherOriginUrl: string;
    e2eStateFile: string;
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * The stack as `npm start` runs it, with the client on two origins: the API's own, and another one that is
 * in ALLOWED_ORIGINS (the deployed shape). Skipped, with one line saying so, where Chromium is missing.
 */
export default async function setup(project: TestProject) {
  if (!hasChromium) {
    console.log('e2e: skipped: no Chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run does)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pistus-e2e-'));
  const clientPort = await freePort();
  const otherOrigin = `http://127.0.0.1:${clientPort}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DYNAMODB_PORT: '0',
      SES_PORT: '0',
      CLIENT_PORT: String(clientPort),
      ALLOWED_ORIGINS: otherOrigin,
      LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
      LOCAL_STATE_FILE: join(dir, 'stack.json'),
      BCRYPT_COST: '4',
      DEADLINE_INTERVAL: 'off',
      LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const appUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack not ready:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /App\s+(http:\S+)\/\s+\(the browser client\)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}:\n${output}`)));
  });
  project.provide('appUrl', appUrl);
  project.provide('otherOriginUrl', otherOrigin);
  project.provide('e2eStateFile', join(dir, 'stack.json'));
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid as number, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
