import { passkeyNotes } from '#shared/auth/passkey-list';
import type { RecipientLimits } from '#shared/auth/recipient-limits';
import type { PasskeysTable } from '#shared/data/passkeys';
import type { SuppressionsTable } from '#shared/data/suppressions';
import { escapeHtml, type Mailer } from '#shared/platform/mailer';

/**
 * Security notices (security round 3): a mail to the account's verified address whenever what protects the
 * account changes, so a change its owner did not make is seen at once (OWASP Authentication Cheat Sheet,
 * "notify users of security events"; ASVS 5.0 V6.3.7). Each says what happened, when, from which device
 * and address, and what to do if it was not them: a link to the account page, never a token that changes
 * anything. Suppressed addresses (SES bounces and complaints) are not mailed.
 */
export type NoticeKind =
  | 'password_changed'
  | 'password_reset'
  | 'email_change_requested'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'recovery_codes_renewed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'identity_linked'
  | 'identity_unlinked'
  | 'account_deleted';

/** What a notice says happened; `otherwise`: what to do if it was not them, when the usual advice cannot apply. */
const WHAT: Record<NoticeKind, { subject: string; happened: string; otherwise?: string; page?: string }> = {
  password_changed: { subject: 'Your Pistus password was changed', happened: 'The password was changed' },
  password_reset: {
    subject: 'Your Pistus password was reset',
    happened: 'The password was reset with a link mailed to this address',
  },
  email_change_requested: {
    subject: 'A new email address was given for your Pistus account',
    happened: 'A new email address was given for the account (it takes effect once confirmed there)',
  },
  mfa_enabled: {
    subject: 'Two-factor authentication is on',
    happened: 'Two-factor authentication was turned on',
  },
  mfa_disabled: {
    subject: 'Two-factor authentication is off',
    happened: 'Two-factor authentication was turned off',
  },
  recovery_codes_renewed: {
    subject: 'New recovery codes for your Pistus account',
    happened: 'New recovery codes were made; the old ones no longer work',
  },
  passkey_added: { subject: 'A passkey was added to your Pistus account', happened: 'A passkey was added' },
  passkey_removed: {
    subject: 'A passkey was removed from your Pistus account',
    happened: 'A passkey was removed',
  },
  identity_linked: {
    subject: 'A sign-in provider was linked to your Pistus account',
    happened: 'A sign-in provider was linked to the account: it can now sign in to it',
  },
  identity_unlinked: {
    subject: 'A sign-in provider was unlinked from your Pistus account',
    happened: 'A sign-in provider was unlinked from the account',
  },
  account_deleted: {
    subject: 'Your Pistus account was deleted',
    happened:
      'The account was deleted, with its sessions, passkeys, linked providers and unpaid registrations (paid ones are kept for the organiser without your name and address)',
    otherwise:
      'If this was you, there is nothing to do. If it was not, someone had your password or a session: the account cannot be restored, but you can sign up again (with a new password) at',
    page: '#/signup',
  },
};

export interface Notice {
  kind: NoticeKind;
  to: string;
  /** Whose account: its passkeys are listed, so one the owner did not add is seen. */
  userId: string;
  username: string;
  /** When, and from where: the device label and the client address of the request that made the change. */
  at: Date;
  device?: string;
  ip: string;
  /** Which one, where it matters (a passkey's name): never key material, never a token. */
  detail?: string;
}

export function createSecurityNotices(deps: {
  mailer: Mailer;
  /** Where the browser client is served, without a trailing slash. */
  appUrl: string;
  suppressions: Pick<SuppressionsTable, 'suppressedAmong'>;
  /** At most so many notices to one address in an hour (shared/auth/recipient-limits.ts). */
  recipients: Pick<RecipientLimits, 'allow'>;
  passkeys: Pick<PasskeysTable, 'listPasskeys'>;
}) {
  const appUrl = deps.appUrl.replace(/\/+$/, '');
  return {
    /** Mails the notice; false when the address is suppressed and nothing was sent. */
    async send(notice: Notice): Promise<boolean> {
      if ((await deps.suppressions.suppressedAmong([notice.to])).size) return false;
      if (!(await deps.recipients.allow('notice', notice.to))) return false;
      const what = WHAT[notice.kind];
      const accountPage = `${appUrl}/${what.page ?? 'account'}`;
      const facts = [
        `${what.happened} on ${notice.at.toUTCString()},`,
        `from ${notice.device ?? 'an unknown device'} at address ${notice.ip}.`,
      ].join(' ');
      // The passkeys as they are now; a list that cannot be read does not hold the notice back.
      const passkeys = await deps.passkeys.listPasskeys(notice.userId).catch(() => undefined);
      const details = [
        ...(notice.detail === undefined ? [] : [notice.detail]),
        ...(passkeys ? passkeyNotes(passkeys) : ['Review the passkeys on your account page.']),
      ];
      const otherwise =
        what.otherwise ??
        'If this was you, there is nothing to do. If it was not, reset your password now ("Forgot password?" ' +
          'on the login page) and review your details, sessions and two-factor settings on your account page:';
      await deps.mailer.send({
        to: notice.to,
        subject: what.subject,
        text: [`Hello ${notice.username},`, '', facts, ...details, '', otherwise, accountPage].join('\n'),
        html: [
          `<p>Hello ${escapeHtml(notice.username)},</p>`,
          `<p>${escapeHtml(facts)}</p>`,
          ...details.map((line) => `<p>${escapeHtml(line)}</p>`),
          `<p>${escapeHtml(otherwise)} <a href="${escapeHtml(accountPage)}">${escapeHtml(accountPage)}</a></p>`,
        ].join('\n'),
      });
      return true;
    },
  };
}

export type SecurityNotices = ReturnType<typeof createSecurityNotices>;
