import { CHALLENGE_SECONDS } from '#shared/auth/passkeys';
import { requestLimitsService } from '#shared/compose/limits';
import { passkeyChallengesService } from '#shared/compose/passkeys';
import { webauthnCookie } from '#shared/http/cookies';
import { withinLimit } from '#shared/http/request-limit';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/**
 * POST /passkeys/login/options: a challenge for any passkey of this site, bound to a 5-minute cookie. Each
 * one is an item written, so one client address may start only so many (429 past the limit, none written).
 */
export const handler = apiRoute(
  {
    routes: ['POST /passkeys/login/options'],
    doc: {
      summary: 'Options to sign in with a passkey',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description:
            'Request options for any passkey of this site; the challenge is bound to a 5-minute HttpOnly `__Host-webauthn` cookie.',
          body: answers.requestOptions,
        },
        429: docs.limited('passkey logins started from this address (100 in 10 minutes)'),
      },
    },
    services: {
      challenges: passkeyChallengesService,
      limits: requestLimitsService,
    },
  },
  async ({ facts, services: { challenges, limits } }) => {
    await withinLimit(limits, 'passkeyOptions', { ip: facts.clientIp }, facts);
    const { options, challengeId } = await challenges.loginOptions();
    return { status: 200, body: options, cookies: [webauthnCookie(challengeId, CHALLENGE_SECONDS)] };
  },
);
