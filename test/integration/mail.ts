import { inject } from 'vitest';
import { mailAt, type StoredMail } from '../support/mail.ts';

export { linkToken, type StoredMail } from '../support/mail.ts';

/** The mail the integration stack's SES emulator holds for these addresses, oldest first. */
export const mailTo = (addresses: readonly string[]): Promise<StoredMail[]> =>
  mailAt(inject('sesEndpoint'), addresses);

/** The newest mail to an address (with this subject, when one is given). */
export const lastMailTo = async (address: string, subject?: string): Promise<StoredMail | undefined> =>
  (await mailTo([address])).filter((mail) => subject === undefined || mail.subject === subject).at(-1);
