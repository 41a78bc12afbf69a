import {
  createMfaChallenges,
  createMfaCompletions,
  type MfaChallenges,
  type MfaCompletions,
} from '#shared/auth/mfa-login';
import { createLoginThrottle } from '#shared/auth/login-throttle';
import { createSecretBox } from '#shared/auth/secret-box';
import { createTotp, type Totp } from '#shared/auth/totp';
import { mfaKeySource } from '#shared/aws/secrets';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { once } from '#shared/compose/once';
import { tokenService } from '#shared/compose/sessions';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { mfaChallengesTableAccess } from '#shared/data/mfa-challenges';
import { accountTokensTable, loginAttemptsTable, usersTable } from '#shared/data/tables';
import { usersTableAccess } from '#shared/data/users';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';

/** The audience of second-factor challenge tokens: never a session token, nor a device token. */
const mfaAudience = (config: Settings) => `${config.TOKEN_AUDIENCE}#mfa`;

let totp: Totp | undefined;

/** TOTP and recovery codes: the users table, the MFA key (read once), and the brute-force counters. */
export function totpService(config: Settings): Totp {
  if (!totp) {
    const key = once(mfaKeySource(config));
    totp = createTotp({
      users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
      box: async () => createSecretBox(await key()),
      throttle: () =>
        createLoginThrottle({
          table: loginAttemptsTableAccess(documentClient(config), tableName(config, loginAttemptsTable)),
          clock: systemClock,
        }),
      clock: systemClock,
    });
  }
  return totp;
}

/** The open challenges, with the mail tokens. */
const mfaChallengesTable = (config: Settings) =>
  mfaChallengesTableAccess(documentClient(config), tableName(config, accountTokensTable));

/** Issuing the challenge of a login that owes its second factor: the signing keys, and the stored challenge. */
export async function mfaChallengesService(config: Settings): Promise<MfaChallenges> {
  const challenges = mfaChallengesTable(config);
  return createMfaChallenges({
    tokens: await tokenService(config, mfaAudience(config)),
    challenges,
    clock: systemClock,
  });
}

/** Completing such a login: the challenge, the account, and its factor. */
export async function mfaCompletionsService(config: Settings): Promise<MfaCompletions> {
  const factors = totpService(config);
  const challenges = mfaChallengesTable(config);
  return createMfaCompletions({
    tokens: await tokenService(config, mfaAudience(config)),
    users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
    challenges,
    totp: factors,
    clock: systemClock,
  });
}
