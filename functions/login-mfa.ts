import { issueSession } from '#shared/http/sign-in';
import { publicUser } from '#shared/auth/accounts';
import { mfaProofSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { mfaCompletionsService } from '#shared/compose/mfa';
import { cookieOptions, sessionIssuingService } from '#shared/compose/sessions';
import { MFA_COOKIE_NAME, mfaCookie, readCookie } from '#shared/http/cookies';
import { HttpError } from '#shared/http/errors';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

const challengeExpired = () =>
  new HttpError(401, 'mfa_expired', 'The login has expired or changed. Please log in again.');

/** POST /login/mfa: a login's second factor (a TOTP code or a recovery code); then, and only then, a session. */
export const handler = apiRoute(
  {
    routes: ['POST /login/mfa'],
    doc: {
      summary: 'Finish a login with its second factor',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description: 'The user; the session cookie is set and the `__Host-mfa` cookie expired.',
          body: answers.user,
        },
        400: docs.error(
          'Not a current code, or an unknown or used recovery code (`invalid_code`); or neither or both given (`invalid_input`).',
        ),
        401: docs.error(
          'No login waits for a second factor: the `__Host-mfa` cookie is missing or expired, or the account changed (`mfa_expired`).',
        ),
        429: docs.error('Too many failed codes (`too_many_attempts`); see `Retry-After`.'),
      },
    },
    body: () => mfaProofSchema,
    services: {
      completions: mfaCompletionsService,
      sessions: sessionIssuingService,
      cookie: cookieOptions,
    },
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
