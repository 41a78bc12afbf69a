import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { totpCodeSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { totpService } from '#shared/compose/mfa';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

/** DELETE /mfa/totp: a current code turns TOTP off (a stolen session alone cannot). */
export const handler = sessionHandler(
  {
    session: 'required',
    // No step-up of its own: the current code it needs is the proof (the second factor, each code once), and
    // an account with a second factor steps up with a code anyway (shared/auth/reauth.ts).
    body: () => totpCodeSchema,
    compose: (config) => ({ totp: totpService(config), notices: securityNoticesService(config) }),
  },
  async ({ session, body, event, facts, services: { totp, notices } }) => {
    const outcome = await totp.disable(session.username, body.code, facts.clientIp);
    if (outcome.kind === 'throttled') throw tooManyAttempts(outcome.retryAfterSeconds);
    if (outcome.kind === 'invalid') throw invalidCode();
    recordEvent('mfaDisabled', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'mfa_disabled', { event, facts });
    return { status: 204 };
  },
);
