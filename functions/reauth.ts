import { reauthSchema } from '#shared/auth/credentials';
import { reauthService } from '#shared/compose/reauth';
import { DEVICE_COOKIE_NAME, readCookie } from '#shared/http/cookies';
import { HttpError, invalidInput, unauthorized } from '#shared/http/errors';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

const codeRequired = () =>
  invalidInput(
    { code: 'is required: this account has two-factor authentication, so a code proves who you are' },
    'code_required',
  );
const wrongProof = () =>
  new HttpError(400, 'invalid_credentials', 'That password or code is not right; nothing was changed.');

/**
 * POST /reauth: the signed-in user proves who they are again (password or TOTP code), so this session may
 * make sensitive changes for REAUTH_WINDOW_SECONDS (step-up). 204; a wrong proof is 400 and counts toward
 * the account's lock as a failed login does (429 while locked); the session is kept either way.
 */
export const handler = sessionHandler(
  {
    session: 'required',
    body: () => reauthSchema,
    compose: (config) => ({ reauth: reauthService(config) }),
  },
  async ({ session, body, event, facts, services: { reauth } }) => {
    const proof = body.password === undefined ? { code: body.code ?? '' } : { password: body.password };
    const outcome = await reauth.prove(session, proof, {
      ip: facts.clientIp,
      deviceToken: readCookie(event.cookies, DEVICE_COOKIE_NAME),
    });
    const by = 'password' in proof ? 'password' : 'totp';
    if (outcome.kind === 'throttled') {
      recordEvent('loginThrottled', { userId: session.userId, username: session.username, by, ...facts });
      throw tooManyAttempts(outcome.retryAfterSeconds);
    }
    if (outcome.kind === 'ended') throw unauthorized();
    if (outcome.kind === 'code_required') throw codeRequired();
    if (outcome.kind === 'invalid') {
      recordEvent('reauthenticationFailed', { userId: session.userId, by, ...facts });
      if (outcome.lockedNow)
        recordEvent('lockout', { userId: session.userId, username: session.username, ...facts });
      throw wrongProof();
    }
    recordEvent('reauthenticated', { userId: session.userId, by, ...facts });
    return { status: 204 };
  },
);
