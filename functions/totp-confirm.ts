import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { totpCodeSchema } from '#shared/auth/credentials';
import { totpService } from '#shared/compose/mfa';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** POST /mfa/totp/confirm: a code of the offered secret turns TOTP on; the recovery codes, shown once. */
export const handler = sessionHandler(
  {
    session: 'required',
    stepUp: true,
    body: () => totpCodeSchema,
    compose: (config) => ({ totp: totpService(config), notices: securityNoticesService(config) }),
  },
  async ({ session, body, event, facts, services: { totp, notices } }) => {
    const { recoveryCodes } = await totp.confirm(session.username, body.code, session.sid);
    recordEvent('mfaEnabled', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'mfa_enabled', { event, facts });
    return { status: 200, body: { recoveryCodes } };
  },
);
