import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Logins } from '#shared/auth/login';
import type { PasskeyLogins } from '#shared/auth/passkeys';
import type { Sessions } from '#shared/auth/sessions';
import type { Totp } from '#shared/auth/totp';
import type { SessionRecord } from '#shared/data/sessions';

export type ReauthProof =
  | { password: string }
  | { code: string }
  /** A passkey's answer to a login challenge (`POST /passkeys/login/options`), its id from the cookie. */
  | { passkey: AuthenticationResponseJSON; challengeId: string | undefined };

export type ReauthOutcome =
  | { kind: 'ok' }
  | { kind: 'invalid'; lockedNow: boolean }
  | { kind: 'throttled'; retryAfterSeconds: number }
  /** The account has a second factor: its password alone does not step up (a phished one must not). */
  | { kind: 'code_required' }
  /** The session ended while the proof was checked: nothing to mark. */
  | { kind: 'ended' };

/**
 * Step-up (shared/auth/step-up.ts): the signed-in user proves who they are again, and the session records
 * when. A password is checked as a login is (the account's and the client's brute-force counters, the device
 * token against lockout abuse: a wrong one counts toward the same lock); a TOTP code as at the second factor
 * (its own counters, each code once). An account with a second factor steps up with a code or a passkey, not its
 * password: a password phished beside a stolen session must not open the way to a passkey, which itself
 * passes the second factor. A passkey proves both factors, as at login, but only one of this user's: another
 * account's passkey is a wrong proof, refused before it is verified or its use recorded. Its answer is not counted on the brute-force counters: a signature cannot be guessed, and the
 * challenge it answers is taken once. A wrong proof changes nothing else: the session is kept.
 */
export function createReauth(deps: {
  logins: () => Promise<Logins>;
  totp: () => Totp;
  passkeys: () => PasskeyLogins;
  sessions: () => Promise<Sessions>;
}) {
  return {
    async prove(
      session: SessionRecord,
      proof: ReauthProof,
      client: { ip: string; deviceToken?: string },
    ): Promise<ReauthOutcome> {
      const sessions = await deps.sessions();
      if ('password' in proof && session.mfaEnabled) return { kind: 'code_required' };
      if ('password' in proof) {
        const logins = await deps.logins();
        const outcome = await logins.attempt(
          { username: session.username, password: proof.password, ...client },
          // Marked beside the counters' settlement, as a login writes its session.
          () => sessions.reauthenticated(session),
        );
        if (outcome.kind === 'throttled') return outcome;
        if (outcome.kind === 'invalid') return { kind: 'invalid', lockedNow: outcome.lockedNow };
        return outcome.admitted ? { kind: 'ok' } : { kind: 'ended' };
      }
      if ('passkey' in proof) {
        const outcome = await deps.passkeys().login(proof.challengeId, proof.passkey, session.userId);
        if (outcome.kind !== 'ok' || outcome.user.id !== session.userId)
          return { kind: 'invalid', lockedNow: false };
        return (await sessions.reauthenticated(session)) ? { kind: 'ok' } : { kind: 'ended' };
      }
      const outcome = await deps.totp().proveFor(session.username, proof, client.ip);
      if (outcome.kind === 'invalid') return { kind: 'invalid', lockedNow: false };
      if (outcome.kind !== 'ok') return outcome;
      return (await sessions.reauthenticated(session)) ? { kind: 'ok' } : { kind: 'ended' };
    },
  };
}

export type Reauth = ReturnType<typeof createReauth>;
