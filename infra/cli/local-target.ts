import { resolve } from 'node:path';
import type { FunctionRuntime } from '#infra/local/function-runtime';
import { localFunctionRuntime } from '#infra/local/functions';
import { type LocalSecrets, localSecrets } from '#infra/local/local-secrets';
import { DEFAULT_STATE_FILE, type LocalStackState, readLocalState } from '#infra/local/state';
import { allFunctions } from '#infra/routes';
import { tables } from '#shared/data/tables';

const state = (stateFile = process.env.LOCAL_STATE_FILE ?? DEFAULT_STATE_FILE) =>
  readLocalState(resolve(stateFile));
const secrets = (): LocalSecrets =>
  localSecrets(resolve(process.env.LOCAL_SECRETS_FILE ?? '.local/secrets.json'));

/**
 * Points this process (an operator's tool, not a function) at the running local stack: its emulators, every
 * table and the pepper, as an operator with access to the whole stage has them.
 */
export function useLocalStack(stateFile?: string): LocalStackState {
  const running = state(stateFile);
  Object.assign(
    process.env,
    running.sources.common,
    Object.fromEntries(tables.map((table) => [table.envVar, running.sources.tables[table.name]])),
    {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  );
  const { SIGNING_KEYS, PASSWORD_PEPPER } = secrets();
  process.env.SIGNING_KEYS ??= SIGNING_KEYS;
  process.env.PASSWORD_PEPPER ??= PASSWORD_PEPPER;
  return running;
}

/** A declared function of the running local stack, as its own local Lambda with its own environment. */
export function localFunction(
  name: string,
  stateFile?: string,
): { state: LocalStackState; runtime: FunctionRuntime } {
  const running = state(stateFile);
  const fn = allFunctions().find((candidate) => candidate.name === name);
  if (!fn) throw new Error(`no function named ${name}`);
  // An operator's run reports what it did; the function's routine lines stay out of the way.
  const quiet = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'WARN' };
  return { state: running, runtime: localFunctionRuntime(fn, running.sources, secrets(), quiet) };
}
