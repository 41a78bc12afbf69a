import { reauthSchema } from '#shared/auth/credentials';
import type { ReauthProof } from '#shared/auth/reauth';
import { reauthService } from '#shared/compose/reauth';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { DEVICE_COOKIE_NAME, readCookie, WEBAUTHN_COOKIE_NAME, webauthnCookie } from '#shared/http/cookies';
import { HttpError, invalidInput, unauthorized } from '#shared/http/errors';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';

const codeRequired = () =>
  invalidInput(
    {
      code: 'is required: this account has two-factor authentication, so a code or a passkey proves who you are',
    },
    'code_required',
  );
const wrongProof = () =>
  new HttpError(
    400,
    'invalid_credentials',
    'That password, code or passkey is not right; nothing was changed.',
  );

type ReauthBody = { password?: string; code?: string; passkey?: unknown };

/** The proof as the domain takes it: a passkey's answer goes with the challenge its cookie names. */
function proofOf(body: ReauthBody, cookies: string[] | undefined): ReauthProof {
  if (body.password !== undefined) return { password: body.password };
  if (body.code !== undefined) return { code: body.code };
  return {
    passkey: body.passkey as AuthenticationResponseJSON,
    challengeId: readCookie(cookies, WEBAUTHN_COOKIE_NAME),
  };
}

/**
 * POST /reauth: the signed-in user proves who they are again (password, TOTP code or passkey), so this session may
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
    const proof = proofOf(body, event.cookies);
    const outcome = await reauth.prove(session, proof, {
      ip: facts.clientIp,
      deviceToken: readCookie(event.cookies, DEVICE_COOKIE_NAME),
    });
    const by = 'password' in proof ? 'password' : 'code' in proof ? 'totp' : 'passkey';
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
    // A passkey's challenge was taken: its cookie is no use any more.
    return { status: 204, ...('passkey' in proof ? { cookies: [webauthnCookie('', 0)] } : {}) };
  },
);
