import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { deviceLabel } from '#shared/auth/device-label';
import type { NoticeKind, SecurityNotices } from '#shared/auth/security-notices';
import type { RequestFacts } from '#shared/http/request-parts';
import { systemClock } from '#shared/platform/clock';
import { logger } from '#shared/platform/logger';

/** Whom a notice goes to: the account's address, only once it is verified (an unverified one may not be theirs). */
export interface NoticeRecipient {
  username: string;
  email?: string;
  emailVerified?: boolean;
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
  if (!recipient.email || !recipient.emailVerified) return;
  try {
    await notices.send({
      kind,
      to: recipient.email,
      username: recipient.username,
      at: systemClock(),
      device: deviceLabel(request.event.headers['user-agent']),
      ip: request.facts.clientIp,
      ...(detail === undefined ? {} : { detail }),
    });
  } catch (error) {
    logger.warn('security notice not sent', { kind, error: error instanceof Error ? error.name : 'Error' });
  }
}
