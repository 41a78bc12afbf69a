import type { PasskeyRecord, PasskeysTable } from '#shared/data/passkeys';
import { notFound } from '#shared/platform/outcomes';

// A file of its own: listing and removing passkeys needs no WebAuthn verification, and its bundle none of
// @simplewebauthn/server's weight (CBOR, ASN.1, the FIDO metadata roots).

/** What the user sees of a passkey: never its key. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string;
}

export const passkeyView = ({ credentialId, name, createdAt, lastUsedAt }: PasskeyRecord): PasskeyView => ({
  id: credentialId,
  name,
  createdAt,
  ...(lastUsedAt ? { lastUsedAt } : {}),
});

/** The user's passkeys: listed without their keys, removed one at a time. */
export function createPasskeyList(deps: { passkeys: PasskeysTable }) {
  return {
    list: async (userId: string) => (await deps.passkeys.listPasskeys(userId)).map(passkeyView),
    async remove(userId: string, id: string): Promise<void> {
      if (!(await deps.passkeys.deletePasskey(id, userId))) throw notFound();
    },
  };
}

export type PasskeyList = ReturnType<typeof createPasskeyList>;
