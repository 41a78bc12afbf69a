import {
  createPasskeyChallenges,
  createPasskeyLogins,
  createPasskeyRegistration,
  type PasskeyChallenges,
  type PasskeyLogins,
  type PasskeyRegistration,
  type RelyingParty,
} from '#shared/auth/passkeys';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { challengesTableAccess } from '#shared/data/challenges';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { accountTokensTable, passkeysTable, usersTable } from '#shared/data/tables';
import { usersTableAccess } from '#shared/data/users';
import { systemClock } from '#shared/platform/clock';
import { ConfigError, type Settings } from '#shared/platform/config';
import { service } from '#shared/compose/needs';

function relyingParty(config: Settings): RelyingParty {
  if (!config.RP_ID || !config.RP_ORIGIN)
    throw new ConfigError(
      `Invalid configuration: ${config.RP_ID ? 'RP_ORIGIN' : 'RP_ID'}: this function handles passkeys but was not told the relying party`,
    );
  return { id: config.RP_ID, origin: config.RP_ORIGIN, name: 'Pistus' };
}
const challenges = (config: Settings) =>
  challengesTableAccess(documentClient(config), tableName(config, accountTokensTable));
const passkeys = (config: Settings) =>
  passkeysTableAccess(documentClient(config), tableName(config, passkeysTable));

let registration: PasskeyRegistration | undefined;

const buildRegistration = (config: Settings): PasskeyRegistration => {
  registration ??= createPasskeyRegistration({
    passkeys: passkeys(config),
    challenges: challenges(config),
    clock: systemClock,
    rp: relyingParty(config),
  });
  return registration;
};

/**
 * Creation options for a new passkey: the user's passkeys read (Query), excluded from the new one (one
 * authenticator, one passkey), and the challenge stored (PutItem).
 */
export const passkeyOptionsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: passkeysTable, actions: ['Query'], indexes: ['byUser'] },
      { table: accountTokensTable, actions: ['PutItem'] },
    ],
  },
  (config): Pick<PasskeyRegistration, 'registrationOptions'> => buildRegistration(config),
);

/** The authenticator's answer: the challenge taken once (DeleteItem), the passkey stored (PutItem). */
export const passkeyRegistrationService = /* @__PURE__ */ service(
  {
    tables: [
      { table: accountTokensTable, actions: ['DeleteItem'] },
      { table: passkeysTable, actions: ['PutItem'] },
    ],
  },
  (config): Pick<PasskeyRegistration, 'register'> => buildRegistration(config),
);

let loginChallenges: PasskeyChallenges | undefined;

/** A challenge for any passkey of this site, stored for 5 minutes (PutItem). */
export const passkeyChallengesService = /* @__PURE__ */ service(
  { tables: [{ table: accountTokensTable, actions: ['PutItem'] }] },
  (config): PasskeyChallenges => {
    loginChallenges ??= createPasskeyChallenges({
      challenges: challenges(config),
      clock: systemClock,
      rp: relyingParty(config),
    });
    return loginChallenges;
  },
);

let logins: PasskeyLogins | undefined;

/**
 * A passkey's answer to a login challenge: the challenge taken once (DeleteItem), the passkey read and its
 * signature counter moved only from the value read (UpdateItem), and its user.
 */
export const passkeyLoginsService = /* @__PURE__ */ service(
  {
    tables: [
      { table: accountTokensTable, actions: ['DeleteItem'] },
      { table: passkeysTable, actions: ['GetItem', 'UpdateItem'] },
      { table: usersTable, actions: ['GetItem'] },
    ],
  },
  (config): PasskeyLogins => {
    logins ??= createPasskeyLogins({
      passkeys: passkeys(config),
      challenges: challenges(config),
      users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
      clock: systemClock,
      rp: relyingParty(config),
    });
    return logins;
  },
);
