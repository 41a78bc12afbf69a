import { createPasskeyList, type PasskeyList } from '#shared/auth/passkey-list';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { passkeysTable } from '#shared/data/tables';
import { service } from '#shared/compose/needs';
import type { Settings } from '#shared/platform/config';

let list: PasskeyList | undefined;

const buildList = (config: Settings): PasskeyList => {
  list ??= createPasskeyList({
    passkeys: passkeysTableAccess(documentClient(config), tableName(config, passkeysTable)),
  });
  return list;
};

/** Listing the user's passkeys: the passkeys table's byUser index alone, no WebAuthn library. */
export const passkeyListService = /* @__PURE__ */ service(
  { tables: [{ table: passkeysTable, actions: ['Query'], indexes: ['byUser'] }] },
  (config): Pick<PasskeyList, 'list'> => buildList(config),
);

/** Removing one: a delete conditional on the owner (IAM cannot see owners, so the code is the guard). */
export const passkeyRemovalService = /* @__PURE__ */ service(
  { tables: [{ table: passkeysTable, actions: ['DeleteItem'] }] },
  (config): Pick<PasskeyList, 'remove'> => buildList(config),
);
