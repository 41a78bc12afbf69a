/** A mail as the SES emulator stores it. */
export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

/**
 * When this module was loaded, in the emulator's epoch seconds, a second early: every address a test file
 * mails is made up after that, so the store is read only from then (other files' mail, sent side by side
 * over the whole run, would otherwise be read again on every call).
 */
const LOADED = Math.floor(Date.now() / 1000) - 1;

/** The mail an SES emulator holds for these addresses, oldest first. */
export async function mailAt(sesUrl: string, addresses: readonly string[]): Promise<StoredMail[]> {
  const response = await fetch(`${sesUrl}/store?since=${LOADED}`);
  const { emails } = (await response.json()) as { emails: StoredMail[] };
  return emails.filter((mail) => mail.destination.to.some((to) => addresses.includes(to)));
}

/** The token of a link to the client's `page` in a mail's text, as a person would follow it. */
export function linkToken(mail: StoredMail | undefined, page: 'verify-email' | 'reset-password'): string {
  const link = mail?.body.text.split('\n').find((line) => line.includes(`/${page}?token=`));
  if (!link) throw new Error(`no ${page} link in ${mail ? `"${mail.subject}"` : 'a missing mail'}`);
  return new URL(link.trim()).searchParams.get('token') ?? '';
}
