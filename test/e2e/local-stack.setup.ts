import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LIFTED_LIMITS, startLocalStackProcess } from '../support/local-stack.ts';
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
 * The stack with its client also on a port of its own, which must be named before it starts (it is an
 * allowed origin). A port found free can be taken before the stack binds it (by any process's next
 * outgoing connection): then the start is tried again on another.
 */
async function startWithClientPort(dir: string, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    const otherOrigin = `http://127.0.0.1:${await freePort()}`;
    try {
      const stack = await startLocalStackProcess({
        CLIENT_PORT: new URL(otherOrigin).port,
        ALLOWED_ORIGINS: otherOrigin,
        LOCAL_SECRETS_FILE: join(dir, 'secrets.json'),
        LOCAL_STATE_FILE: join(dir, 'stack.json'),
        BCRYPT_COST: '4',
        ...LIFTED_LIMITS,
        LOG_LEVEL: 'WARN',
      });
      return { stack, otherOrigin };
    } catch (error) {
      if (attempt >= attempts || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

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
  const { stack, otherOrigin } = await startWithClientPort(dir);
  const appUrl = stack.urls.app;
  project.provide('appUrl', appUrl);
  project.provide('otherOriginUrl', otherOrigin);
  project.provide('e2eStateFile', join(dir, 'stack.json'));
  return async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
