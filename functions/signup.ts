import { publicUser } from '#shared/auth/accounts';
import { accountsService } from '#shared/compose/accounts';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { sessionCookie } from '#shared/http/cookies';
import { signupBodySchema } from '#shared/auth/credentials';
import { recordEvent } from '#shared/platform/events';
import { httpHandler } from '#shared/http/handler';
import { deviceLabel } from '#shared/auth/device-label';
import { verificationLinksService } from '#shared/compose/recovery';
import { requestLimitsService } from '#shared/compose/limits';
import { withinLimit } from '#shared/http/request-limit';

/** POST /signup: creates a `user` and signs them in. */
export const handler = httpHandler(
  {
    body: (config) => signupBodySchema(config.PASSWORD_MIN_LENGTH),
    compose: (config) => ({
      accounts: accountsService(config),
      sessions: sessionsService(config),
      cookie: cookieOptions(config),
      verification: verificationLinksService(config),
      limits: requestLimitsService(config),
    }),
  },
  async ({ body, facts, event, services: { accounts, sessions, cookie, verification, limits } }) => {
    await withinLimit(limits, 'signup', { ip: facts.clientIp }, facts);
    const user = await accounts.signUp(body);
    const [{ token }, verificationMail] = await Promise.all([
      sessions.start(user, { device: deviceLabel(event.headers['user-agent']), ip: facts.clientIp }),
      verification.firstLink(user),
    ]);
    recordEvent('signup', { userId: user.id, username: user.username, verificationMail, ...facts });
    return {
      status: 201,
      body: publicUser(user),
      cookies: [sessionCookie(cookie, token, sessions.lifetimeSeconds)],
    };
  },
);
