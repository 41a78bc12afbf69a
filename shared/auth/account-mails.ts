import { escapeHtml, type Mailer } from '#shared/platform/mailer';
import type { SuppressionsTable } from '#shared/data/suppressions';
import type { RecipientLimits } from '#shared/auth/recipient-limits';

/** The page of the browser client each link opens, with the token in its query. */
export type LinkPage = 'verify-email' | 'reset-password';

export interface AccountMail {
  to: string;
  username: string;
  token: string;
  expiresInSeconds: number;
  /** Lines after the link: what recovery needs to know (the passkeys that still sign in). */
  notes?: readonly string[];
}

const duration = (seconds: number) =>
  seconds % 3600 === 0
    ? `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`
    : `${Math.round(seconds / 60)} minutes`;

const CONTENT: Record<LinkPage, { subject: string; lead: string; action: string; otherwise: string }> = {
  'verify-email': {
    subject: 'Confirm your email address for Pistus',
    lead: 'Please confirm that this is your email address for your Pistus account',
    action: 'Confirm my address',
    otherwise: 'If you did not ask for this, ignore this mail: the address will not be confirmed.',
  },
  'reset-password': {
    subject: 'Reset your Pistus password',
    lead: 'Someone (we hope you) asked to reset the password of your Pistus account',
    action: 'Choose a new password',
    otherwise:
      'If you did not ask for this, ignore this mail: your password stays as it is, and the link works once.',
  },
};

/**
 * The mails of account recovery, through the mailer the deadline job uses (locally they show in the mail
 * viewer). A link carries its token in the query of the client's page; the mail never says more about the
 * account than its name. Addresses SES reported bouncing or complaining are not mailed.
 */
export function createAccountMails(deps: {
  mailer: Mailer;
  /** Where the browser client is served, without a trailing slash. */
  appUrl: string;
  suppressions: Pick<SuppressionsTable, 'suppressedAmong'>;
  /** At most so many of these mails to one address in an hour, whoever asks (shared/auth/recipient-limits.ts). */
  recipients: Pick<RecipientLimits, 'allow'>;
}) {
  const link = (page: LinkPage, token: string) =>
    `${deps.appUrl.replace(/\/+$/, '')}/${page}?token=${encodeURIComponent(token)}`;
  return {
    link,
    /** Sends the mail for this page; false when the address is suppressed or had its hour's mails. */
    async send(page: LinkPage, mail: AccountMail): Promise<boolean> {
      if ((await deps.suppressions.suppressedAmong([mail.to])).size) return false;
      const category = page === 'verify-email' ? 'verification' : 'reset';
      if (!(await deps.recipients.allow(category, mail.to))) return false;
      const content = CONTENT[page];
      const url = link(page, mail.token);
      const valid = `The link works for ${duration(mail.expiresInSeconds)}.`;
      await deps.mailer.send({
        to: mail.to,
        subject: content.subject,
        text: [
          `Hello ${mail.username},`,
          '',
          `${content.lead}:`,
          url,
          '',
          valid,
          content.otherwise,
          ...(mail.notes?.length ? ['', ...mail.notes] : []),
        ].join('\n'),
        html: [
          `<p>Hello ${escapeHtml(mail.username)},</p>`,
          `<p>${escapeHtml(content.lead)}:</p>`,
          `<p><a href="${escapeHtml(url)}">${escapeHtml(content.action)}</a></p>`,
          `<p>${escapeHtml(valid)} ${escapeHtml(content.otherwise)}</p>`,
          ...(mail.notes ?? []).map((note) => `<p>${escapeHtml(note)}</p>`),
        ].join('\n'),
      });
      return true;
    },
  };
}

export type AccountMails = ReturnType<typeof createAccountMails>;
