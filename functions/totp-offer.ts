import { totpService } from '#shared/compose/mfa';
import { sessionHandler } from '#shared/http/session-handler';

/** POST /mfa/totp: a new TOTP secret and its otpauth URI, offered; nothing is enforced until confirmed. */
export const handler = sessionHandler(
  {
    session: 'required',
    stepUp: true,
    compose: (config) => ({ totp: totpService(config) }),
  },
  async ({ session, services: { totp } }) => ({ status: 200, body: await totp.offer(session.username) }),
);
