import { createPasskeyList, type PasskeyList } from '#shared/auth/passkey-list';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { passkeysTableAccess } from '#shared/data/passkeys';
import { passkeysTable } from '#shared/data/tables';
import type { Settings } from '#shared/platform/config';

let list: PasskeyList | undefined;

/** Listing and removing the user's passkeys: the passkeys table alone, no WebAuthn library. */
export function passkeyListService(config: Settings): PasskeyList {
  list ??= createPasskeyList({
    passkeys: passkeysTableAccess(documentClient(config), tableName(config, passkeysTable)),
  });
  return list;
}
