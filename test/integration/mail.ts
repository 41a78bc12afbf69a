import { inject } from 'vitest';
import { mailAt, type StoredMail } from '../support/mail.ts';

export { linkToken, type StoredMail } from '../support/mail.ts';

/** The mail the integration stack's SES emulator holds for these addresses, oldest first. */
export const mailTo = (addresses: readonly string[]): Promise<StoredMail[]> =>
  mailAt(inject('sesEndpoint'), addresses);

/** The newest mail to an address. */
export const lastMailTo = async (address: string): Promise<StoredMail | undefined> =>
  (await mailTo([address])).at(-1);
