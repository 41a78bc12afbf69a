import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { totpCodeSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { totpService } from '#shared/compose/mfa';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

/** POST /mfa/recovery-codes: new recovery codes for a current code; the old ones stop working. */
export const handler = sessionHandler(
  {
    session: 'required',
    // No step-up of its own: the current code it needs is the proof (the second factor, each code once), and
    // an account with a second factor steps up with a code anyway (shared/auth/reauth.ts).
    body: () => totpCodeSchema,
    compose: (config) => ({ totp: totpService(config), notices: securityNoticesService(config) }),
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
