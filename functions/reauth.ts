import { reauthSchema } from '#shared/auth/credentials';
import type { ReauthProof } from '#shared/auth/reauth';
import { reauthService } from '#shared/compose/reauth';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { DEVICE_COOKIE_NAME, readCookie, WEBAUTHN_COOKIE_NAME, webauthnCookie } from '#shared/http/cookies';
import { HttpError, invalidInput, unauthorized } from '#shared/http/errors';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { sessionRoute } from '#shared/http/session-handler';
import * as docs from '#shared/http/route-docs';

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
export const handler = sessionRoute(
  {
    routes: ['POST /reauth'],
    doc: {
      summary: 'Prove who you are again (password, TOTP code or passkey), for sensitive changes (step-up)',
      tag: 'Accounts and sessions',
      responses: {
        204: {
          description:
            'This session may make sensitive changes (passkeys, email address, second factor) for `REAUTH_WINDOW_SECONDS`.',
        },
        400: docs.error(
          "The password, code or passkey is not right (`invalid_credentials`): a password counts toward the account lock as a failed login, a code on the second-factor counters; a passkey must be one of this account's, answering a challenge from `POST /passkeys/login/options` (its `__Host-webauthn` cookie); the session is kept. Or not exactly one proof given (`invalid_input`), or a password for an account with two-factor authentication, which steps up with a code or a passkey (`code_required`).",
        ),
        429: docs.error('Too many failed attempts (`too_many_attempts`); see `Retry-After`.'),
      },
    },
    memory: 'password',
    session: 'required',
    body: () => reauthSchema,
    services: { reauth: reauthService },
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
