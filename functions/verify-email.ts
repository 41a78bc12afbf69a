import { emailVerifySchema } from '#shared/auth/credentials';
import { emailVerificationService } from '#shared/compose/recovery';
import { httpHandler } from '#shared/http/handler';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';

/** POST /email/verify: a verification link's token makes the account's address verified; 204. */
export const handler = httpHandler(
  {
    body: () => emailVerifySchema,
    compose: (config) => ({
      verification: emailVerificationService(config),
      limits: requestLimitsService(config),
    }),
  },
  async ({ body, facts, services: { verification, limits } }) => {
    await withinLimit(limits, 'emailVerify', { ip: facts.clientIp }, facts);
    const user = await verification.verify(body.token);
    recordEvent('emailVerified', { userId: user.id, username: user.username, ...facts });
    return { status: 204 };
  },
);
