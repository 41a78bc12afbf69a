import type { Accounts } from '#shared/auth/accounts';
import type { Logins } from '#shared/auth/login';
import type { Sessions } from '#shared/auth/sessions';
import type { SessionRecord } from '#shared/data/sessions';

export type PasswordChangeOutcome =
  | { kind: 'changed'; sessionsEnded: number }
  | { kind: 'incorrect' }
  | { kind: 'throttled'; retryAfterSeconds: number };

/**
 * A signed-in user's password change, whole or nothing (ASVS 5.0 V7.4.3): the current password is checked
 * as a login is (the same brute-force counters: a stolen session is no way to guess it); the new hash, a
 * new credential version and the session that keeps going are one write, which is what ends the others.
 * Deleting their rows afterwards is clean-up, so a failure there cannot leave them working.
 */
export function createPasswordChanges(deps: { accounts: Accounts; logins: Logins; sessions: Sessions }) {
  const { accounts, logins, sessions } = deps;

  /**
   * The answer to the change was lost (or the function was cut off after its write), and the client asks
   * again: the current password no longer matches, but this very session made the last credential change
   * and the password it asked for is the one in place. Then the change did land, and it succeeds.
   */
  async function landedBefore(session: SessionRecord, newPassword: string) {
    const user = await accounts.findUser(session.username);
    if (!user || user.keptSid !== session.sid) return false;
    return (await accounts.checkCredentials({ username: session.username, password: newPassword })) !== null;
  }

  return {
    async change(request: {
      session: SessionRecord;
      currentPassword: string;
      newPassword: string;
      ip: string;
      deviceToken?: string;
    }): Promise<PasswordChangeOutcome> {
      const { session, currentPassword, newPassword } = request;
      const check = await logins.attempt({
        username: session.username,
        password: currentPassword,
        ip: request.ip,
        deviceToken: request.deviceToken,
      });
      if (check.kind === 'throttled') return check;
      if (check.kind === 'invalid') {
        if (!(await landedBefore(session, newPassword))) return { kind: 'incorrect' };
      } else if (!(await accounts.setPassword(session.username, newPassword, { keepSid: session.sid }))) {
        // Another change replaced the password between the check and the write: this one is stale.
        return { kind: 'incorrect' };
      }
      // The other sessions ended with the write above; a row left behind here no longer counts.
      const sessionsEnded = await sessions.endAllOf(session.userId, session.sid).catch(() => 0);
      return { kind: 'changed', sessionsEnded };
    },
  };
}

export type PasswordChanges = ReturnType<typeof createPasswordChanges>;
