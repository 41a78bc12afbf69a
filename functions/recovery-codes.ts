import { totpCodeSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { totpService } from '#shared/compose/mfa';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

/** POST /mfa/recovery-codes: new recovery codes for a current code; the old ones stop working. */
export const handler = httpHandler(
  {
    session: 'required',
    body: () => totpCodeSchema,
    compose: (config) => ({ sessions: sessionsService(config), totp: totpService(config) }),
  },
  async ({ session, body, facts, services: { totp } }) => {
    const outcome = await totp.renewRecoveryCodes(session.username, body.code, facts.clientIp);
    if (outcome.kind === 'throttled') throw tooManyAttempts(outcome.retryAfterSeconds);
    if (outcome.kind === 'invalid') throw invalidCode();
    recordEvent('recoveryCodesRenewed', { userId: session.userId, ...facts });
    return { status: 200, body: { recoveryCodes: outcome.recoveryCodes } };
  },
);
