/** The port through which the domain sends mail (reminders, account mails); shared/aws/mailer.ts is SES's adapter. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Sends one message, waiting for a slot under the configured rate; throws when SES refuses it. */
  send(message: EmailMessage): Promise<void>;
}

/** Text as HTML: every character that could open markup or an attribute, as a numeric reference. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
