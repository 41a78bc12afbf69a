import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { emailChangeSchema } from '#shared/auth/credentials';
import { emailChangesService } from '#shared/compose/recovery';
import { sessionHandler } from '#shared/http/session-handler';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';

/** PUT /email: the account's address, unverified until its link (mailed now) is followed; 202. */
export const handler = sessionHandler(
  {
    session: 'required',
    stepUp: true,
    body: () => emailChangeSchema,
    compose: (config) => ({
      changes: emailChangesService(config),
      limits: requestLimitsService(config),
      notices: securityNoticesService(config),
    }),
  },
  async ({ session, body, event, facts, services: { changes, limits, notices } }) => {
    await withinLimit(limits, 'verificationMail', { ip: facts.clientIp, account: session.userId }, facts);
    const change = await changes.change(session, body.email);
    if (change.kind !== 'unchanged') {
      recordEvent('emailChanged', { userId: session.userId, ...facts });
      // The address it had, if verified, hears of it: the owner learns of a change they did not make.
      await sendNotice(notices, session, 'email_change_requested', { event, facts });
    }
    if (change.kind === 'mailed') recordEvent('verificationMailed', { userId: session.userId, ...facts });
    return { status: 202, body: { message: 'A link to confirm the address is on its way to it.' } };
  },
);
