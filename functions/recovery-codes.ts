import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { totpCodeSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { totpService } from '#shared/compose/mfa';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /mfa/recovery-codes: new recovery codes for a current code; the old ones stop working. */
export const handler = sessionRoute(
  {
    routes: ['POST /mfa/recovery-codes'],
    doc: {
      summary: 'New recovery codes for a current code; the old ones stop working',
      tag: 'Accounts and sessions',
      responses: {
        200: { description: '10 new recovery codes, shown once.', body: answers.recoveryCodes },
        400: docs.error('Not a current code (`invalid_code`), or not 6 digits (`invalid_input`).'),
        409: docs.error('TOTP is not on (`mfa_not_enabled`).'),
        429: docs.error('Too many failed codes (`too_many_attempts`); see `Retry-After`.'),
      },
    },
    session: 'required',
    // No step-up of its own: the current code it needs is the proof (the second factor, each code once), and
    // an account with a second factor steps up with a code anyway (shared/auth/reauth.ts).
    body: () => totpCodeSchema,
    services: { totp: totpService, notices: securityNoticesService },
  },
  async ({ session, body, event, facts, services: { totp, notices } }) => {
    const outcome = await totp.renewRecoveryCodes(session.username, body.code, facts.clientIp);
    if (outcome.kind === 'throttled') throw tooManyAttempts(outcome.retryAfterSeconds);
    if (outcome.kind === 'invalid') throw invalidCode();
    recordEvent('recoveryCodesRenewed', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'recovery_codes_renewed', { event, facts });
    return { status: 200, body: { recoveryCodes: outcome.recoveryCodes } };
  },
);
