import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalSources } from '#infra/local/functions';

/**
 * What a running local stack tells the operator commands (`npm run deadline`, `npm run account`): where
 * its emulators listen and the settings its functions run with. Written by `npm start`, mode 0600.
 */
export interface LocalStackState {
  pid: number;
  apiUrl: string;
  sesUrl: string;
  /** The SQS emulator: the deadline queues and their dead letters. */
  sqsUrl: string;
  /** What each function's environment is made from (the secrets are in the local secrets file). */
  sources: LocalSources;
}

export const DEFAULT_STATE_FILE = '.local/stack.json';

export function writeLocalState(file: string, state: LocalStackState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function readLocalState(file: string): LocalStackState {
  let state: LocalStackState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as LocalStackState;
  } catch {
    throw new Error(`no local stack state at ${file}: start the stack first with \`npm start\``);
  }
  try {
    process.kill(state.pid, 0);
  } catch {
    throw new Error(
      `the local stack that wrote ${file} (pid ${state.pid}) is not running: start it with \`npm start\``,
    );
  }
  return state;
}
