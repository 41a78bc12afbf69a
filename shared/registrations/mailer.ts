/** The port through which the deadline job sends mail; shared/aws/mailer.ts is SES's adapter for it. */
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
