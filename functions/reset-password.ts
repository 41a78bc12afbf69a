import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { passwordResetSchema } from '#shared/auth/credentials';
import { passwordResetsService } from '#shared/compose/password-resets';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';
import { apiRoute } from '#shared/http/route';
import * as docs from '#shared/http/route-docs';

/** POST /password/reset: a reset link's token and a new password; every session ends; 204. */
export const handler = apiRoute(
  {
    routes: ['POST /password/reset'],
    doc: {
      summary: "Set a new password with a reset link's token; every session ends",
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'The password is set; every session and device token of the account has ended.' },
        400: docs.error(
          'The token is invalid, expired or used (`invalid_token`), or `newPassword` breaks the policy (`invalid_input`).',
        ),
        429: docs.limited('resets from this address (20 an hour)'),
      },
    },
    memory: 'password',
    body: (config) => passwordResetSchema(config.PASSWORD_MIN_LENGTH),
    services: {
      resets: passwordResetsService,
      limits: requestLimitsService,
      notices: securityNoticesService,
    },
  },
  async ({ body, event, facts, services: { resets, limits, notices } }) => {
    await withinLimit(limits, 'passwordReset', { ip: facts.clientIp }, facts);
    const { user, sessionsEnded } = await resets.reset(body.token, body.newPassword);
    recordEvent('passwordReset', { userId: user.id, username: user.username, sessionsEnded, ...facts });
    await sendNotice(notices, { ...user, userId: user.id }, 'password_reset', { event, facts });
    return { status: 204 };
  },
);
