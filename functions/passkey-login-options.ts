import { CHALLENGE_SECONDS } from '#shared/auth/passkeys';
import { passkeyChallengesService } from '#shared/compose/passkeys';
import { webauthnCookie } from '#shared/http/cookies';
import { httpHandler } from '#shared/http/handler';

/** POST /passkeys/login/options: a challenge for any passkey of this site, bound to a 5-minute cookie. */
export const handler = httpHandler(
  { compose: (config) => ({ challenges: passkeyChallengesService(config) }) },
  async ({ services: { challenges } }) => {
    const { options, challengeId } = await challenges.loginOptions();
    return { status: 200, body: options, cookies: [webauthnCookie(challengeId, CHALLENGE_SECONDS)] };
  },
);
