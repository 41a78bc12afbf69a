import { publicUser } from '#shared/auth/accounts';
import { mfaProofSchema } from '#shared/auth/credentials';
import { deviceLabel } from '#shared/auth/device-label';
import { invalidCode } from '#shared/auth/totp';
import { mfaCompletionsService } from '#shared/compose/mfa';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { MFA_COOKIE_NAME, mfaCookie, readCookie, sessionCookie } from '#shared/http/cookies';
import { HttpError } from '#shared/http/errors';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

const challengeExpired = () =>
  new HttpError(401, 'mfa_expired', 'The login has expired or changed. Please log in again.');

/** POST /login/mfa: a login's second factor (a TOTP code or a recovery code); then, and only then, a session. */
export const handler = httpHandler(
  {
    body: () => mfaProofSchema,
    compose: (config) => ({
      completions: mfaCompletionsService(config),
      sessions: sessionsService(config),
      cookie: cookieOptions(config),
    }),
  },
  async ({ body, facts, event, token: previous, services: { completions, sessions, cookie } }) => {
    const proof = body.code === undefined ? { recoveryCode: body.recoveryCode ?? '' } : { code: body.code };
    const outcome = await completions.complete(
      readCookie(event.cookies, MFA_COOKIE_NAME),
      proof,
      facts.clientIp,
    );
    if (outcome.kind === 'expired') throw challengeExpired();
    if (outcome.kind === 'throttled') throw tooManyAttempts(outcome.retryAfterSeconds);
    if (outcome.kind === 'invalid') {
      recordEvent('mfaFailed', { ...facts });
      throw invalidCode();
    }
    const { user } = outcome;
    await sessions.end(previous);
    const { token } = await sessions.start(user, {
      device: deviceLabel(event.headers['user-agent']),
      ip: facts.clientIp,
    });
    recordEvent('mfaSucceeded', {
      userId: user.id,
      username: user.username,
      by: 'code' in proof ? 'totp' : 'recovery_code',
      ...facts,
    });
    return {
      status: 200,
      body: publicUser(user),
      cookies: [sessionCookie(cookie, token, sessions.lifetimeSeconds), mfaCookie('', 0)],
    };
  },
);
