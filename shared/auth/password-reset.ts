import { passkeyNotes } from '#shared/auth/passkey-list';
import type { AccountMails } from '#shared/auth/account-mails';
import { USERNAME_PATTERN } from '#shared/auth/username';
import type { Accounts } from '#shared/auth/accounts';
import { type AccountTokens, invalidToken } from '#shared/auth/account-tokens';
import { passwordProblem } from '#shared/auth/password-policy';
import { HOUR_SECONDS, type RateLimits } from '#shared/auth/rate-limits';
import type { Sessions } from '#shared/auth/sessions';
import type { EmailsTable } from '#shared/data/emails';
import { emailKey, verifiedAddress } from '#shared/auth/email-address';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { invalid } from '#shared/platform/outcomes';

/** Who forgot: by the verified address, or by the username. */
export type ForgotWho = { email: string } | { username: string };

/**
 * What a request did. The caller answers the same whatever it is: it is for the audit log only.
 * `limited_first` is the first request a limit refused in its window (report it); `limited` the rest.
 */
export type ForgotOutcome =
  'mailed' | 'no_account' | 'no_verified_email' | 'suppressed' | 'limited' | 'limited_first';

/**
 * The address a reset link goes to, and is good for: an enabled account's verified one (the one it had
 * before a change still waiting for its link included); none otherwise.
 */
const resetAddress = (user: UserRecord | undefined): string | undefined =>
  user && !user.disabled ? verifiedAddress(user) : undefined;

/**
 * Asking for a password reset by mail (OWASP Forgot Password Cheat Sheet; Cognito ForgotPassword): the
 * caller answers the same whether or not the account exists; a link goes only to a verified address, at
 * most `mailsPerHour` to one account, and one client address may ask `requestsPerIpHour` times an hour.
 */
export function createResetRequests(deps: {
  users: UsersTable;
  emails: EmailsTable;
  tokens: AccountTokens;
  mails: AccountMails;
  limits: RateLimits;
  ttlSeconds: number;
  mailsPerHour: number;
  requestsPerIpHour: number;
  /** The account's passkeys, named in the mail: a reset ends sessions, not passkeys (recovery that recovers). */
  passkeysOf: (userId: string) => Promise<readonly { name: string; createdAt: string }[]>;
}) {
  const { users, emails, tokens, mails, limits } = deps;

  /** The account a request names, if any. A name outside the username rule names none. */
  async function accountOf(who: ForgotWho): Promise<UserRecord | undefined> {
    if ('username' in who)
      return USERNAME_PATTERN.test(who.username) ? users.findUserByUsername(who.username) : undefined;
    const owner = await emails.ownerOf(who.email);
    const user = owner && (await users.findUserByUsername(owner.usernameKey));
    // A claim left behind by an address the account has since given up names no one; the verified one it
    // keeps while a new one waits for its link still names it.
    return user?.id === owner?.userId &&
      emailKey(user ? (verifiedAddress(user) ?? '') : '') === emailKey(who.email)
      ? user
      : undefined;
  }

  return {
    async request(who: ForgotWho, ip: string): Promise<ForgotOutcome> {
      const fromIp = await limits.take([
        { key: `forgot-ip#${ip}`, limit: deps.requestsPerIpHour, windowSeconds: HOUR_SECONDS },
      ]);
      if (!fromIp.ok) return fromIp.firstRefusal ? 'limited_first' : 'limited';
      const user = await accountOf(who);
      if (!user) return 'no_account';
      const address = resetAddress(user);
      if (!address) return 'no_verified_email';
      const perAccount = await limits.take([
        { key: `reset-mail#${user.id}`, limit: deps.mailsPerHour, windowSeconds: HOUR_SECONDS },
      ]);
      if (!perAccount.ok) return perAccount.firstRefusal ? 'limited_first' : 'limited';
      const [token, passkeys] = await Promise.all([
        tokens.issue('reset', user, address, deps.ttlSeconds),
        deps.passkeysOf(user.id),
      ]);
      const sent = await mails.send('reset-password', {
        to: address,
        username: user.username,
        token,
        expiresInSeconds: deps.ttlSeconds,
        notes: passkeyNotes(passkeys),
      });
      return sent ? 'mailed' : 'suppressed';
    },
  };
}

export type ResetRequests = ReturnType<typeof createResetRequests>;

/**
 * Using a reset link (Cognito ConfirmForgotPassword): a new password under a new credential version, which
 * ends every session and makes every device token stale in the same write.
 */
export function createPasswordResets(deps: {
  users: UsersTable;
  accounts: Pick<Accounts, 'setPassword'>;
  sessions: Pick<Sessions, 'endAllOf'>;
  tokens: AccountTokens;
}) {
  const { users, accounts, tokens } = deps;
  return {
    /**
     * Sets a new password with a reset link's token. The policy is checked before the token is used, so a
     * rejected password leaves the link working; the token is used before the password is set, so it works
     * once however many requests race.
     */
    async reset(token: string, newPassword: string): Promise<{ user: UserRecord; sessionsEnded: number }> {
      const record = await tokens.check('reset', token);
      if (!record) throw invalidToken();
      const user = await users.findUserByUsername(record.usernameKey);
      // The link was for this account at this address: a disabled account voids it, and so does any change
      // of the address since it was mailed, even back to the same one (the address version moved).
      if (
        !user ||
        resetAddress(user) !== record.email ||
        user.id !== record.userId ||
        (user.emailVersion ?? 0) !== (record.emailVersion ?? 0)
      )
        throw invalidToken();
      const problem = passwordProblem(newPassword, user.username);
      if (problem) throw invalid({ newPassword: problem });
      if (!(await tokens.consume(record))) throw invalidToken();
      try {
        // A concurrent change (a login's rehash) can replace the hash between the read and the write: again.
        let replaced = false;
        for (let attempt = 0; attempt < 3 && !replaced; attempt++)
          replaced = await accounts.setPassword(user.username, newPassword);
        if (!replaced) throw new Error('the password kept changing under the reset');
      } catch (error) {
        // Not set (DynamoDB throttled): the link is given back, so the client's retry can still use it.
        await tokens.restore(record).catch(() => undefined);
        throw error;
      }
      const sessionsEnded = await deps.sessions.endAllOf(user.id).catch(() => 0);
      return { user, sessionsEnded };
    },
  };
}

export type PasswordResets = ReturnType<typeof createPasswordResets>;
