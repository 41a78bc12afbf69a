import { CHALLENGE_SECONDS } from '#shared/auth/passkeys';
import { requestLimitsService } from '#shared/compose/limits';
import { passkeyChallengesService } from '#shared/compose/passkeys';
import { webauthnCookie } from '#shared/http/cookies';
import { httpHandler } from '#shared/http/handler';
import { withinLimit } from '#shared/http/request-limit';

/**
 * POST /passkeys/login/options: a challenge for any passkey of this site, bound to a 5-minute cookie. Each
 * one is an item written, so one client address may start only so many (429 past the limit, none written).
 */
export const handler = httpHandler(
  {
    compose: (config) => ({
      challenges: passkeyChallengesService(config),
      limits: requestLimitsService(config),
    }),
  },
  async ({ facts, services: { challenges, limits } }) => {
    await withinLimit(limits, 'passkeyOptions', { ip: facts.clientIp }, facts);
    const { options, challengeId } = await challenges.loginOptions();
    return { status: 200, body: options, cookies: [webauthnCookie(challengeId, CHALLENGE_SECONDS)] };
  },
);
