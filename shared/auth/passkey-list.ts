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

/**
 * What a reset mail or a security notice says of the account's passkeys: a new password ends every session,
 * but a passkey still signs in, so one the owner did not add (a stolen session's) must be seen and removed.
 */
export function passkeyNotes(passkeys: readonly { name: string; createdAt: string }[]): string[] {
  if (!passkeys.length) return ['This account has no passkeys.'];
  return [
    `Passkeys on this account (they still sign in after a reset): ${passkeys
      .map((passkey) => `${passkey.name}, added ${passkey.createdAt.slice(0, 10)}`)
      .join('; ')}.`,
    'Remove any you do not recognise on your account page: a new password does not end them.',
  ];
}

/** The user's passkeys: listed without their keys, removed one at a time. */
export function createPasskeyList(deps: { passkeys: PasskeysTable }) {
  return {
    list: async (userId: string) => (await deps.passkeys.listPasskeys(userId)).map(passkeyView),
    /** Removes one of the user's passkeys, and says which (its view), for the notice. */
    async remove(userId: string, id: string): Promise<PasskeyView> {
      const removed = await deps.passkeys.deletePasskey(id, userId);
      if (!removed) throw notFound();
      return passkeyView(removed);
    },
  };
}

export type PasskeyList = ReturnType<typeof createPasskeyList>;
