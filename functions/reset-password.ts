import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { passwordResetSchema } from '#shared/auth/credentials';
import { passwordResetsService } from '#shared/compose/password-resets';
import { httpHandler } from '#shared/http/handler';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';

/** POST /password/reset: a reset link's token and a new password; every session ends; 204. */
export const handler = httpHandler(
  {
    body: (config) => passwordResetSchema(config.PASSWORD_MIN_LENGTH),
    compose: (config) => ({
      resets: passwordResetsService(config),
      limits: requestLimitsService(config),
      notices: securityNoticesService(config),
    }),
  },
  async ({ body, event, facts, services: { resets, limits, notices } }) => {
    await withinLimit(limits, 'passwordReset', { ip: facts.clientIp }, facts);
    const { user, sessionsEnded } = await resets.reset(body.token, body.newPassword);
    recordEvent('passwordReset', { userId: user.id, username: user.username, sessionsEnded, ...facts });
    await sendNotice(notices, { ...user, userId: user.id }, 'password_reset', { event, facts });
    return { status: 204 };
  },
);
