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

export function passkeyRegistrationService(config: Settings): PasskeyRegistration {
  registration ??= createPasskeyRegistration({
    passkeys: passkeys(config),
    challenges: challenges(config),
    clock: systemClock,
    rp: relyingParty(config),
  });
  return registration;
}

let loginChallenges: PasskeyChallenges | undefined;

export function passkeyChallengesService(config: Settings): PasskeyChallenges {
  loginChallenges ??= createPasskeyChallenges({
    challenges: challenges(config),
    clock: systemClock,
    rp: relyingParty(config),
  });
  return loginChallenges;
}

let logins: PasskeyLogins | undefined;

export function passkeyLoginsService(config: Settings): PasskeyLogins {
  logins ??= createPasskeyLogins({
    passkeys: passkeys(config),
    challenges: challenges(config),
    users: usersTableAccess(documentClient(config), tableName(config, usersTable)),
    clock: systemClock,
    rp: relyingParty(config),
  });
  return logins;
}
