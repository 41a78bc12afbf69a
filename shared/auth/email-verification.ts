import type { AccountMails } from '#shared/auth/account-mails';
import { type AccountTokens, invalidToken } from '#shared/auth/account-tokens';
import { usernameKey } from '#shared/auth/username';
import type { EmailsTable } from '#shared/data/emails';
import { emailKey, verifiedAddress } from '#shared/auth/email-address';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { conflict, notFound } from '#shared/platform/outcomes';

export const emailTaken = () =>
  conflict('email_taken', 'That email address is already verified on another account.');

/**
 * Whether an account other than `userId` holds this address verified; `stale`: the claim of one that no
 * longer does (it gave the address up, or was never made: a first sign-in cut off after its claim).
 */
export function addressHolder(deps: {
  users: Pick<UsersTable, 'findUserByUsername'>;
  emails: Pick<EmailsTable, 'ownerOf'>;
}) {
  return async (address: string, userId: string) => {
    const owner = await deps.emails.ownerOf(address);
    if (!owner || owner.userId === userId) return { held: false as const };
    const holder = await deps.users.findUserByUsername(owner.usernameKey);
    const holds =
      holder?.id === owner.userId &&
      holder.emailVerified === true &&
      emailKey(holder.email ?? '') === emailKey(address);
    return holds ? { held: true as const } : { held: false as const, stale: owner.userId };
  };
}

export type EmailChange = { kind: 'mailed' } | { kind: 'unchanged' } | { kind: 'suppressed' };

/**
 * Who holds which verified address: an address proves one account only, so "forgot password" by address
 * finds exactly one. A claim whose account has since given the address up is stale and may be taken over.
 */
export function createAddressClaims(deps: { users: UsersTable; emails: EmailsTable }) {
  const { users, emails } = deps;

  const otherHolder = addressHolder({ users, emails });

  return {
    /** Makes the address this account's: `email_taken` when another account holds it verified. */
    async claim(user: UserRecord, address: string): Promise<void> {
      const other = await otherHolder(address, user.id);
      if (other.held) throw emailTaken();
      const owner = { userId: user.id, usernameKey: usernameKey(user.username) };
      if (!(await emails.claim(address, owner, other.stale))) throw emailTaken();
    },
    /** After an account's address changed: the verified one it gave up is free for others. */
    async releaseGivenUp(before: UserRecord | undefined, now: string): Promise<void> {
      if (before?.email && before.emailVerified && emailKey(before.email) !== emailKey(now))
        await emails.release(before.email, before.id);
    },
  };
}

export type AddressClaims = ReturnType<typeof createAddressClaims>;

/** Mails an address the link that proves it, for an account. */
export function createVerificationLinks(deps: {
  tokens: AccountTokens;
  mails: AccountMails;
  ttlSeconds: number;
}) {
  const { tokens, mails, ttlSeconds } = deps;
  async function mail(user: UserRecord, email: string): Promise<boolean> {
    const token = await tokens.issue('verify-email', user, email, ttlSeconds);
    return mails.send('verify-email', {
      to: email,
      username: user.username,
      token,
      expiresInSeconds: ttlSeconds,
    });
  }
  return {
    /** Sends a link for `email`, replacing the account's earlier one; false when the address is suppressed. */
    mail,
    /**
     * The first link, for an address given at signup. The account exists whatever happens here, so a link
     * that could not be sent is not the signup's failure: the account page sends it again.
     */
    async firstLink(user: UserRecord): Promise<'mailed' | 'suppressed' | 'failed' | undefined> {
      if (!user.email) return undefined;
      return mail(user, user.email).then(
        (sent) => (sent ? 'mailed' : 'suppressed'),
        () => 'failed',
      );
    },
  };
}

export type VerificationLinks = ReturnType<typeof createVerificationLinks>;

/**
 * Changing an account's address: stored unverified, and its link mailed; the same address again, still
 * unverified, sends the link again. The verified address it had keeps the account's mail (notices, reset
 * links) and its claim until the new one is proved (then it is released: createEmailVerification).
 */
export function createEmailChanges(deps: { users: UsersTable; links: VerificationLinks }) {
  const { users, links } = deps;
  return {
    async change(account: { username: string; userId: string }, email: string): Promise<EmailChange> {
      const user = await users.findUserByUsername(account.username);
      if (!user || user.id !== account.userId) throw notFound();
      if (user.email === email && user.emailVerified) return { kind: 'unchanged' };
      // The address first, then its link: a link never names an address the account does not have. The
      // verified address keeps the account's mail, and its claim, until the new one is proved.
      const kept = verifiedAddress(user);
      await users.setEmail(user.username, email, kept === undefined ? {} : { keepVerified: kept });
      return (await links.mail(user, email)) ? { kind: 'mailed' } : { kind: 'suppressed' };
    },
  };
}

export type EmailChanges = ReturnType<typeof createEmailChanges>;

/**
 * Following a verification link: the address becomes the account's verified one, provided no other
 * account verified it first. Signup never says whether an address is in use: only verifying does, to the
 * person who reads that mailbox.
 */
export function createEmailVerification(deps: {
  users: UsersTable;
  emails: EmailsTable;
  tokens: AccountTokens;
}) {
  const { users, tokens } = deps;
  const claims = createAddressClaims(deps);

  return {
    /**
     * Claimed, then marked, then the token used: a failure between steps leaves the link working for a
     * retry, and each step repeats harmlessly.
     */
    async verify(token: string): Promise<UserRecord> {
      const record = await tokens.check('verify-email', token);
      if (!record) throw invalidToken();
      const user = await users.findUserByUsername(record.usernameKey);
      if (!user || user.id !== record.userId || user.email !== record.email) throw invalidToken();
      await claims.claim(user, record.email);
      if (!(await users.markEmailVerified(user.username, record.email))) throw invalidToken();
      // The address it replaces, verified before, is released for others now that the new one is proved.
      if (user.verifiedEmail)
        await claims.releaseGivenUp(
          { ...user, email: user.verifiedEmail, emailVerified: true },
          record.email,
        );
      if (!(await tokens.consume(record))) throw invalidToken();
      return { ...user, emailVerified: true };
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
