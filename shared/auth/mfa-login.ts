import { randomBytes } from 'node:crypto';
import type { ProofOutcome, FactorProof, Totp } from '#shared/auth/totp';
import type { TokenService } from '#shared/auth/tokens';
import { usernameKey } from '#shared/auth/username';
import type { MfaChallengesTable } from '#shared/data/mfa-challenges';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { epochSeconds } from '#shared/platform/clock';

/** How long a login may wait for its second factor. */
export const MFA_CHALLENGE_SECONDS = 300;

export type MfaMethod = 'totp' | 'recovery_code';

/** Whether a login must also prove a second factor, and with what. */
export const mfaMethods = (user: UserRecord): MfaMethod[] =>
  user.totpSecret ? ['totp', 'recovery_code'] : [];

/**
 * The first half of a login with a second factor: the password was right, and the answer is a challenge
 * token (its own audience, 5 minutes, bound to the account's credential version), never a session. The
 * challenge it names is stored, so that it is taken once (OWASP MFA Cheat Sheet: a proof completes one
 * login, not every login its cookie is replayed for).
 */
export function createMfaChallenges(deps: {
  tokens: TokenService;
  challenges: MfaChallengesTable;
  clock: () => Date;
}) {
  return {
    async issue(user: UserRecord): Promise<string> {
      const sid = randomBytes(16).toString('base64url');
      const expires = new Date(deps.clock().getTime() + MFA_CHALLENGE_SECONDS * 1000);
      await deps.challenges.openChallenge(sid, epochSeconds(expires));
      return deps.tokens.sign(
        { sub: usernameKey(user.username), sid, ver: user.credentialVersion ?? 0 },
        expires,
      );
    },
  };
}

export type MfaChallenges = ReturnType<typeof createMfaChallenges>;

export type MfaCompletion =
  { kind: 'ok'; user: UserRecord } | { kind: 'expired' } | Exclude<ProofOutcome, { kind: 'ok' }>;

/**
 * The second half: the challenge token, still current for the account as it is now (not disabled, no
 * credential change since), its challenge still open, and a proof of its factor. The challenge is taken only
 * by a proof that holds, so a wrong code may be typed again; and it is checked before the proof, so a
 * replayed cookie spends no code.
 */
export function createMfaCompletions(deps: {
  tokens: TokenService;
  users: UsersTable;
  challenges: MfaChallengesTable;
  totp: Totp;
  clock: () => Date;
}) {
  return {
    async complete(token: string | undefined, proof: FactorProof, ip: string): Promise<MfaCompletion> {
      const claims = token ? await deps.tokens.verify(token) : null;
      const now = () => epochSeconds(deps.clock());
      const [user, open] = claims
        ? await Promise.all([
            deps.users.findUserByUsername(claims.sub),
            deps.challenges.isOpen(claims.sid, now()),
          ])
        : [undefined, false];
      if (!claims || !user || !open || user.disabled || (user.credentialVersion ?? 0) !== (claims.ver ?? 0))
        return { kind: 'expired' };
      const outcome = await deps.totp.prove(user, proof, ip);
      if (outcome.kind !== 'ok') return outcome;
      // Two proofs racing with one cookie: one login only.
      if (!(await deps.challenges.takeChallenge(claims.sid, now()))) return { kind: 'expired' };
      return { kind: 'ok', user };
    },
  };
}

export type MfaCompletions = ReturnType<typeof createMfaCompletions>;
