import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { deviceLabel } from '#shared/auth/device-label';
import { verifiedAddress } from '#shared/auth/email-address';
import type { NoticeKind, SecurityNotices } from '#shared/auth/security-notices';
import type { RequestFacts } from '#shared/http/request-parts';
import { systemClock } from '#shared/platform/clock';
import { sleep } from '#shared/platform/concurrency';
import { logger } from '#shared/platform/logger';

/** How long an answer waits for its notice to be sent. */
const NOTICE_WAIT_MS = 2000;

/**
 * Whom a notice goes to: the account's address, only once it is verified (an unverified one may not be
 * theirs), or the verified one it had while a change waits for its link (shared/auth/email-address.ts).
 */
export interface NoticeRecipient {
  userId: string;
  username: string;
  email?: string;
  emailVerified?: boolean;
  verifiedEmail?: string;
}

/**
 * Tells the account's verified address what this request changed, from which device and address. The
 * change has committed by then: a mail that cannot be sent is logged (its kind, never the address) and the
 * answer stands, rather than a 5xx for a change that happened.
 */
export async function sendNotice(
  notices: SecurityNotices,
  recipient: NoticeRecipient,
  kind: NoticeKind,
  request: { event: APIGatewayProxyEventV2; facts: RequestFacts },
  detail?: string,
): Promise<void> {
  const to = verifiedAddress(recipient);
  if (!to) return;
  try {
    const sending = notices.send({
      kind,
      to,
      userId: recipient.userId,
      username: recipient.username,
      at: systemClock(),
      device: deviceLabel(request.event.headers['user-agent']),
      ip: request.facts.clientIp,
      ...(detail === undefined ? {} : { detail }),
    });
    // Still handled if it fails after the wait below has given up on it.
    sending.catch(() => undefined);
    // A slow SES must not hold the answer past the function's limit: the change (and anything shown only
    // in its answer, recovery codes) stands; a notice not sent by then is logged as such.
    await Promise.race([
      sending,
      sleep(NOTICE_WAIT_MS).then(() =>
        Promise.reject(Object.assign(new Error('notice'), { name: 'Timeout' })),
      ),
    ]);
  } catch (error) {
    logger.warn('security notice not sent', { kind, error: error instanceof Error ? error.name : 'Error' });
  }
}
