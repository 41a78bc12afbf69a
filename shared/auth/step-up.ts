import type { SessionRecord } from '#shared/data/sessions';
import { epochSeconds } from '#shared/platform/clock';
import { DomainError } from '#shared/platform/outcomes';

/**
 * Step-up ("sudo mode", ASVS 5.0 V7.5.3: re-authenticate before changing what authenticates the account).
 * A session alone is a bearer credential that can be copied (a shared computer, an XSS elsewhere on the
 * site); what would let its holder keep the account after the owner resets the password (a passkey, the
 * email address the resets go to, a second factor only they hold) also needs a proof of who the user is,
 * made recently in this session: its sign-in, or `POST /reauth`.
 */

/** When the user last proved who they are in this session, in epoch seconds. */
export const lastProofAt = (session: SessionRecord): number =>
  session.authenticatedAt ?? epochSeconds(new Date(session.createdAt));

export const reauthenticationRequired = () =>
  new DomainError(
    'forbidden',
    'reauthentication_required',
    'Confirm who you are first (POST /reauth with your password, a code or a passkey), then try again.',
  );

/** Throws `reauthentication_required` unless the last proof is at most `windowSeconds` old at `now`. */
export function requireRecentProof(session: SessionRecord, now: Date, windowSeconds: number): void {
  if (epochSeconds(now) - lastProofAt(session) > windowSeconds) throw reauthenticationRequired();
}
