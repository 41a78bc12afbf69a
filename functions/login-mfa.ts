import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { mfaProofSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { mfaCompletionsService } from '#shared/compose/mfa';
import { cookieOptions, sessionsService } from '#shared/compose/sessions';
import { MFA_COOKIE_NAME, mfaCookie, readCookie } from '#shared/http/cookies';
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
  async ({ body, facts, event, token: previous, services: { completions, ...issuing } }) => {
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
    const session = await issueSession(issuing, user, { event, facts, previous });
    recordEvent('mfaSucceeded', {
      userId: user.id,
      username: user.username,
      by: 'code' in proof ? 'totp' : 'recovery_code',
      ...facts,
    });
    return {
      status: 200,
      body: publicUser(user),
      cookies: [session.cookie, mfaCookie('', 0)],
    };
  },
);
