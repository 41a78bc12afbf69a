import { totpService } from '#shared/compose/mfa';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';

/** POST /mfa/totp: a new TOTP secret and its otpauth URI, offered; nothing is enforced until confirmed. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: (config) => ({ sessions: sessionsService(config), totp: totpService(config) }),
  },
  async ({ session, services: { totp } }) => ({ status: 200, body: await totp.offer(session.username) }),
);
