import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { emailChangeSchema } from '#shared/auth/credentials';
import { emailChangesService } from '#shared/compose/recovery';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** PUT /email: the account's address, unverified until its link (mailed now) is followed; 202. */
export const handler = sessionRoute(
  {
    routes: ['PUT /email'],
    doc: {
      summary: 'Set or change your email address; its verification link is mailed',
      tag: 'Accounts and sessions',
      responses: {
        202: {
          description:
            'Stored, unverified, and a link mailed to it (the same verified address again changes nothing).',
          body: answers.accepted,
        },
        400: docs.error('Not an email address of at most 254 characters (`invalid_input`).'),
        429: docs.error('Too many verification mails this hour (`too_many_requests`); see `Retry-After`.'),
      },
    },
    session: 'required',
    stepUp: true,
    body: () => emailChangeSchema,
    services: {
      changes: emailChangesService,
      limits: requestLimitsService,
      notices: securityNoticesService,
    },
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
