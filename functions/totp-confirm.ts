import { totpCodeSchema } from '#shared/auth/credentials';
import { totpService } from '#shared/compose/mfa';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';

/** POST /mfa/totp/confirm: a code of the offered secret turns TOTP on; the recovery codes, shown once. */
export const handler = httpHandler(
  {
    session: 'required',
    body: () => totpCodeSchema,
    compose: (config) => ({ sessions: sessionsService(config), totp: totpService(config) }),
  },
  async ({ session, body, facts, services: { totp } }) => {
    const { recoveryCodes } = await totp.confirm(session.username, body.code, session.sid);
    recordEvent('mfaEnabled', { userId: session.userId, ...facts });
    return { status: 200, body: { recoveryCodes } };
  },
);
