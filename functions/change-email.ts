import { emailChangeSchema } from '#shared/auth/credentials';
import { emailChangesService } from '#shared/compose/recovery';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';

/** PUT /email: the account's address, unverified until its link (mailed now) is followed; 202. */
export const handler = httpHandler(
  {
    session: 'required',
    body: () => emailChangeSchema,
    compose: (config) => ({
      sessions: sessionsService(config),
      changes: emailChangesService(config),
      limits: requestLimitsService(config),
    }),
  },
  async ({ session, body, facts, services: { changes, limits } }) => {
    await withinLimit(limits, 'verificationMail', { ip: facts.clientIp, account: session.userId }, facts);
    const change = await changes.change(session, body.email);
    if (change.kind !== 'unchanged') recordEvent('emailChanged', { userId: session.userId, ...facts });
    if (change.kind === 'mailed') recordEvent('verificationMailed', { userId: session.userId, ...facts });
    return { status: 202, body: { message: 'A link to confirm the address is on its way to it.' } };
  },
);
