import { totpCodeSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { totpService } from '#shared/compose/mfa';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

/** DELETE /mfa/totp: a current code turns TOTP off (a stolen session alone cannot). */
export const handler = httpHandler(
  {
    session: 'required',
    body: () => totpCodeSchema,
    compose: (config) => ({ sessions: sessionsService(config), totp: totpService(config) }),
  },
  async ({ session, body, facts, services: { totp } }) => {
    const outcome = await totp.disable(session.username, body.code, facts.clientIp);
    if (outcome.kind === 'throttled') throw tooManyAttempts(outcome.retryAfterSeconds);
    if (outcome.kind === 'invalid') throw invalidCode();
    recordEvent('mfaDisabled', { userId: session.userId, ...facts });
    return { status: 204 };
  },
);
