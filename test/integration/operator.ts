import { spawnSync } from 'node:child_process';
import { inject } from 'vitest';
import { call, sessionToken, uniqueUsername } from './http-client.ts';

/** Runs an operator command (`npm run account`, `npm run deadline`) against the test's local stack. */
export function operator(
  script: 'account' | 'deadline' | 'tokens',
  args: string[],
  input = '',
  stateFile = inject('stateFile'),
) {
  const result = spawnSync(process.execPath, [`infra/cli/${script}.ts`, ...args], {
    input,
    encoding: 'utf8',
    env: {
      ...process.env,
      LOCAL_STATE_FILE: stateFile,
      LOCAL_SECRETS_FILE: stateFile.replace('stack.json', 'secrets.json'),
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An admin made as operators make them, through the account CLI, then signed in. */
export async function signInAdmin() {
  const username = uniqueUsername('admin');
  const password = 'an admin password for tests';
  const created = operator('account', ['create', '--username', username, '--role', 'admin'], `${password}\n`);
  if (created.status !== 0) throw new Error(`account create failed: ${created.stderr}`);
  const login = await call('POST', '/login', { json: { username, password } });
  return { username, token: sessionToken(login) as string };
}
