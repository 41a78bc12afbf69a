import { resolve } from 'node:path';
import { localSecrets } from '#infra/local/local-secrets';
import { DEFAULT_STATE_FILE, readLocalState } from '#infra/local/state';

/**
 * Points this process at the running local stack: its emulators, its tables and its secrets, exactly the
 * environment its functions run with.
 */
export function useLocalStack(stateFile = process.env.LOCAL_STATE_FILE ?? DEFAULT_STATE_FILE) {
  const state = readLocalState(resolve(stateFile));
  Object.assign(process.env, state.environment, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const secrets = localSecrets(resolve(process.env.LOCAL_SECRETS_FILE ?? '.local/secrets.json'));
  process.env.SIGNING_KEYS ??= secrets.SIGNING_KEYS;
  process.env.PASSWORD_PEPPER ??= secrets.PASSWORD_PEPPER;
  return state;
}
