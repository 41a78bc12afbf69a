import { emailVerifySchema } from '#shared/auth/credentials';
import { emailVerificationService } from '#shared/compose/recovery';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';
import { recordEvent } from '#shared/platform/events';
import { apiRoute } from '#shared/http/route';
import * as docs from '#shared/http/route-docs';

/** POST /email/verify: a verification link's token makes the account's address verified; 204. */
export const handler = apiRoute(
  {
    routes: ['POST /email/verify'],
    doc: {
      summary: "Verify an email address with its link's token",
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'The address is verified on its account.' },
        400: docs.error('The token is invalid, expired or used (`invalid_token`).'),
        409: docs.error('Another account verified that address first (`email_taken`).'),
        429: docs.limited('verifications from this address (60 an hour)'),
      },
    },
    body: () => emailVerifySchema,
    services: {
      verification: emailVerificationService,
      limits: requestLimitsService,
    },
  },
  async ({ body, facts, services: { verification, limits } }) => {
    await withinLimit(limits, 'emailVerify', { ip: facts.clientIp }, facts);
    const user = await verification.verify(body.token);
    recordEvent('emailVerified', { userId: user.id, username: user.username, ...facts });
    return { status: 204 };
  },
);
