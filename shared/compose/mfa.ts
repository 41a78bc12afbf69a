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
import { bruteForceCounters } from '#shared/compose/limits';
import { service } from '#shared/compose/needs';
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

const buildTotp = (config: Settings): Totp => {
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
};

/**
 * TOTP and recovery codes: the users table (UpdateItem: a code's time step or a recovery code used up in
 * one conditional write), the MFA key that seals the secret (read once), and the brute-force counters.
 */
export const totpService = /* @__PURE__ */ service(
  {
    tables: [{ table: usersTable, actions: ['GetItem', 'UpdateItem'] }, bruteForceCounters],
    secrets: ['mfa-key'],
  },
  buildTotp,
);

/**
 * Turning TOTP on: an offered secret sealed into the user's item, then confirmed with a code of it. No
 * counters: the code proves the authenticator holds the new secret, not who the user is (step-up did).
 */
export const totpEnrolmentService = /* @__PURE__ */ service(
  { tables: [{ table: usersTable, actions: ['GetItem', 'UpdateItem'] }], secrets: ['mfa-key'] },
  (config): Pick<Totp, 'offer' | 'confirm'> => buildTotp(config),
);

/** The open challenges, with the mail tokens. */
const mfaChallengesTable = (config: Settings) =>
  mfaChallengesTableAccess(documentClient(config), tableName(config, accountTokensTable));

/**
 * Issuing the challenge of a login that owes its second factor: the signing keys, and the stored challenge
 * (PutItem), to be taken once.
 */
export const mfaChallengesService = /* @__PURE__ */ service(
  { tables: [{ table: accountTokensTable, actions: ['PutItem'] }], secrets: ['signing-keys'] },
  async (config): Promise<MfaChallenges> => {
    const challenges = mfaChallengesTable(config);
    return createMfaChallenges({
      tokens: await tokenService(config, mfaAudience(config)),
      challenges,
      clock: systemClock,
    });
  },
);

/**
 * Completing such a login: the challenge (read, still open?, before the proof; taken, a conditional delete,
 * after it), the account, and its factor.
 */
export const mfaCompletionsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: accountTokensTable, actions: ['GetItem', 'DeleteItem'] },
      { table: usersTable, actions: ['GetItem'] },
    ],
    secrets: ['signing-keys'],
    uses: [totpService],
  },
  async (config): Promise<MfaCompletions> => {
    const factors = totpService(config);
    const challenges = mfaChallengesTable(config);
    return createMfaCompletions({
      tokens: await tokenService(config, mfaAudience(config)),
      users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
      challenges,
      totp: factors,
      clock: systemClock,
    });
  },
);
