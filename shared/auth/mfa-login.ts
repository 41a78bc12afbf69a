import { randomBytes } from 'node:crypto';
import type { ProofOutcome, FactorProof, Totp } from '#shared/auth/totp';
import type { TokenService } from '#shared/auth/tokens';
import { usernameKey } from '#shared/auth/username';
import type { UserRecord, UsersTable } from '#shared/data/users';

/** How long a login may wait for its second factor. */
export const MFA_CHALLENGE_SECONDS = 300;

export type MfaMethod = 'totp' | 'recovery_code';

/** Whether a login must also prove a second factor, and with what. */
export const mfaMethods = (user: UserRecord): MfaMethod[] =>
  user.totpSecret ? ['totp', 'recovery_code'] : [];

/**
 * The first half of a login with a second factor: the password was right, and the answer is a challenge
 * token (its own audience, 5 minutes, bound to the account's credential version), never a session.
 */
export function createMfaChallenges(deps: { tokens: TokenService; clock: () => Date }) {
  return {
    issue: (user: UserRecord): Promise<string> =>
      deps.tokens.sign(
        {
          sub: usernameKey(user.username),
          sid: randomBytes(16).toString('base64url'),
          ver: user.credentialVersion ?? 0,
        },
        new Date(deps.clock().getTime() + MFA_CHALLENGE_SECONDS * 1000),
      ),
  };
}

export type MfaChallenges = ReturnType<typeof createMfaChallenges>;

export type MfaCompletion =
  { kind: 'ok'; user: UserRecord } | { kind: 'expired' } | Exclude<ProofOutcome, { kind: 'ok' }>;

/**
 * The second half: the challenge token, still current for the account as it is now (not disabled, no
 * credential change since), and a proof of its factor.
 */
export function createMfaCompletions(deps: { tokens: TokenService; users: UsersTable; totp: Totp }) {
  return {
    async complete(token: string | undefined, proof: FactorProof, ip: string): Promise<MfaCompletion> {
      const claims = token ? await deps.tokens.verify(token) : null;
      const user = claims ? await deps.users.findUserByUsername(claims.sub) : undefined;
      if (!claims || !user || user.disabled || (user.credentialVersion ?? 0) !== (claims.ver ?? 0))
        return { kind: 'expired' };
      const outcome = await deps.totp.prove(user, proof, ip);
      return outcome.kind === 'ok' ? { kind: 'ok', user } : outcome;
    },
  };
}

export type MfaCompletions = ReturnType<typeof createMfaCompletions>;
