import * as z from 'zod/mini';
import {
  emailChangeSchema,
  emailVerifySchema,
  forgotPasswordSchema,
  loginBodySchema,
  mfaProofSchema,
  passkeyResponseSchema,
  totpCodeSchema,
  passwordChangeSchema,
  passwordResetSchema,
  reauthSchema,
  signupBodySchema,
} from '#shared/auth/credentials';
import { createRegistrationSchema } from '#shared/registrations/registrations';
import {
  accepted,
  errorBody,
  creationOptions,
  mfaChallenge,
  passkey,
  passkeyList,
  requestOptions,
  recoveryCodes,
  totpOffer,
  greeting,
  registration,
  registrationPage,
  sessionList,
  user,
} from '#infra/openapi/responses';

/** A response: its description, and its JSON body's schema (`error`: the one error shape), or none. */
export interface ResponseDoc {
  description: string;
  body?: z.ZodMiniType | 'error';
}

export interface OperationDoc {
  summary: string;
  tag: 'Accounts and sessions' | 'Registrations';
  /** `session`: the session cookie or a Bearer token is required (401 without). */
  auth: 'session' | 'none';
  body?: z.ZodMiniType;
  query?: Record<string, { description: string; schema: Record<string, unknown> }>;
  idempotencyKey?: boolean;
  responses: Record<number, ResponseDoc>;
}

const MIN_PASSWORD = 8;
const error = (description: string): ResponseDoc => ({ description, body: 'error' });
const unauthorized = error('No valid session (`unauthorized`).');
/** A per-client limit (README, "Security"): nothing was created, hashed or mailed. */
const limited = (what: string) =>
  error(`Too many ${what} (\`too_many_requests\`): nothing was done; see \`Retry-After\`.`);
/** A sensitive change without a recent proof of who the user is (step-up, shared/auth/step-up.ts). */
const stale = error(
  'The session has not proved who the user is within `REAUTH_WINDOW_SECONDS` (`reauthentication_required`): nothing was changed; `POST /reauth`, then try again.',
);
const notFound = error('No such resource, or not yours (`not_found`): its existence is not revealed.');

/**
 * Every route key of infra/routes.ts, described: the OpenAPI document is built from this and from the
 * schemas the handlers validate with; a test checks it names exactly the declared routes. Errors every
 * route may answer (400 malformed JSON, 403 origin, 413, 415, 500, 503) are added by the document builder.
 */
export const operations: Record<string, OperationDoc> = {
  'POST /signup': {
    summary: 'Create an account and sign in',
    tag: 'Accounts and sessions',
    auth: 'none',
    body: signupBodySchema(MIN_PASSWORD),
    responses: {
      201: { description: 'The new user; the session cookie is set.', body: user },
      400: error('Invalid input (`invalid_input`, with `fields`).'),
      409: error('The username is taken, in any case (`username_taken`).'),
      429: limited('signups from this address (20 in 10 minutes)'),
    },
  },
  'POST /login': {
    summary: 'Sign in',
    tag: 'Accounts and sessions',
    auth: 'none',
    body: loginBodySchema,
    responses: {
      200: {
        description:
          'The user, with a new session cookie with a fresh session id; or, for an account with a second factor, `{mfaRequired: true, methods}` with a 5-minute `__Host-mfa` cookie and no session (finish at `POST /login/mfa`).',
        body: z.union([user, mfaChallenge]),
      },
      400: error('Invalid input (`invalid_input`).'),
      401: error('Unknown user or wrong password, the same answer (`invalid_credentials`).'),
      429: error('Too many failed attempts (`too_many_attempts`); see `Retry-After`.'),
    },
  },
  'POST /login/mfa': {
    summary: 'Finish a login with its second factor',
    tag: 'Accounts and sessions',
    auth: 'none',
    body: mfaProofSchema,
    responses: {
      200: {
        description: 'The user; the session cookie is set and the `__Host-mfa` cookie expired.',
        body: user,
      },
      400: error(
        'Not a current code, or an unknown or used recovery code (`invalid_code`); or neither or both given (`invalid_input`).',
      ),
      401: error(
        'No login waits for a second factor: the `__Host-mfa` cookie is missing or expired, or the account changed (`mfa_expired`).',
      ),
      429: error('Too many failed codes (`too_many_attempts`); see `Retry-After`.'),
    },
  },
  'POST /reauth': {
    summary: 'Prove who you are again (password, TOTP code or passkey), for sensitive changes (step-up)',
    tag: 'Accounts and sessions',
    auth: 'session',
    body: reauthSchema,
    responses: {
      204: {
        description:
          'This session may make sensitive changes (passkeys, email address, second factor) for `REAUTH_WINDOW_SECONDS`.',
      },
      400: error(
        "The password, code or passkey is not right (`invalid_credentials`): a password counts toward the account lock as a failed login, a code on the second-factor counters; a passkey must be one of this account's, answering a challenge from `POST /passkeys/login/options` (its `__Host-webauthn` cookie); the session is kept. Or not exactly one proof given (`invalid_input`), or a password for an account with two-factor authentication, which steps up with a code or a passkey (`code_required`).",
      ),
      401: unauthorized,
      429: error('Too many failed attempts (`too_many_attempts`); see `Retry-After`.'),
    },
  },
  'POST /mfa/totp': {
    summary: 'Offer a TOTP secret (not enforced until confirmed)',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: {
      200: { description: 'The base32 secret (160 bits) and its `otpauth://` URI.', body: totpOffer },
      401: unauthorized,
      403: stale,
      409: error('TOTP is already on (`mfa_already_enabled`).'),
    },
  },
  'POST /mfa/totp/confirm': {
    summary: 'Turn TOTP on with a code of the offered secret',
    tag: 'Accounts and sessions',
    auth: 'session',
    body: totpCodeSchema,
    responses: {
      200: {
        description: '10 recovery codes, shown once; every other session of the user has ended.',
        body: recoveryCodes,
      },
      400: error(
        'Not a current code of the offered secret (`invalid_code`), or not 6 digits (`invalid_input`).',
      ),
      401: unauthorized,
      403: stale,
      409: error('TOTP is already on (`mfa_already_enabled`), or no secret was offered (`mfa_not_enabled`).'),
    },
  },
  'DELETE /mfa/totp': {
    summary: 'Turn TOTP off with a current code',
    tag: 'Accounts and sessions',
    auth: 'session',
    body: totpCodeSchema,
    responses: {
      204: { description: 'TOTP is off, and its recovery codes void.' },
      400: error('Not a current code (`invalid_code`), or not 6 digits (`invalid_input`).'),
      401: unauthorized,
      409: error('TOTP is not on (`mfa_not_enabled`).'),
      429: error('Too many failed codes (`too_many_attempts`); see `Retry-After`.'),
    },
  },
  'POST /mfa/recovery-codes': {
    summary: 'New recovery codes for a current code; the old ones stop working',
    tag: 'Accounts and sessions',
    auth: 'session',
    body: totpCodeSchema,
    responses: {
      200: { description: '10 new recovery codes, shown once.', body: recoveryCodes },
      400: error('Not a current code (`invalid_code`), or not 6 digits (`invalid_input`).'),
      401: unauthorized,
      409: error('TOTP is not on (`mfa_not_enabled`).'),
      429: error('Too many failed codes (`too_many_attempts`); see `Retry-After`.'),
    },
  },
  'POST /passkeys/register/options': {
    summary: 'Options to add a passkey',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: {
      200: {
        description: 'Creation options; their challenge is good for 5 minutes, once.',
        body: creationOptions,
      },
      401: unauthorized,
      403: stale,
    },
  },
  'POST /passkeys/register': {
    summary: "Add a passkey with the authenticator's answer",
    tag: 'Accounts and sessions',
    auth: 'session',
    body: passkeyResponseSchema,
    responses: {
      201: { description: 'The passkey, named after the browser that made it.', body: passkey },
      400: error(
        'Not a valid answer to the current challenge, or without user verification (`invalid_passkey`).',
      ),
      401: unauthorized,
      403: stale,
    },
  },
  'GET /passkeys': {
    summary: 'Your passkeys',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: {
      200: { description: 'Your passkeys, never their keys.', body: passkeyList },
      401: unauthorized,
    },
  },
  'DELETE /passkeys/{id}': {
    summary: 'Remove one of your passkeys',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: {
      204: { description: 'Removed.' },
      400: error('An id over 1,024 characters (`invalid_input`).'),
      401: unauthorized,
      403: stale,
      404: error('Not one of your passkeys (`not_found`).'),
    },
  },
  'POST /passkeys/login/options': {
    summary: 'Options to sign in with a passkey',
    tag: 'Accounts and sessions',
    auth: 'none',
    responses: {
      200: {
        description:
          'Request options for any passkey of this site; the challenge is bound to a 5-minute HttpOnly `__Host-webauthn` cookie.',
        body: requestOptions,
      },
      429: limited('passkey logins started from this address (100 in 10 minutes)'),
    },
  },
  'POST /passkeys/login': {
    summary: 'Sign in with a passkey (both factors at once)',
    tag: 'Accounts and sessions',
    auth: 'none',
    body: passkeyResponseSchema,
    responses: {
      200: { description: 'The user; the session cookie is set.', body: user },
      400: error('Not an answer of the WebAuthn shape (`invalid_input`).'),
      401: error(
        "Not a valid answer to this browser's current challenge, an unknown passkey, or a replayed counter (`invalid_passkey`).",
      ),
    },
  },
  'POST /logout': {
    summary: 'Sign out',
    tag: 'Accounts and sessions',
    auth: 'none',
    responses: { 204: { description: 'Signed out (also without a session); the cookie is expired.' } },
  },
  'DELETE /logout': {
    summary: 'Sign out',
    tag: 'Accounts and sessions',
    auth: 'none',
    responses: { 204: { description: 'Signed out (also without a session); the cookie is expired.' } },
  },
  'GET /check_session': {
    summary: 'The signed-in user, if any',
    tag: 'Accounts and sessions',
    auth: 'none',
    responses: {
      200: { description: 'The signed-in user.', body: user },
      204: { description: 'No valid session.' },
    },
  },
  'GET /home': {
    summary: 'A greeting for the signed-in user',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: { 200: { description: 'The greeting.', body: greeting }, 401: unauthorized },
  },
  'POST /home': {
    summary: 'A greeting for the signed-in user',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: { 200: { description: 'The greeting.', body: greeting }, 401: unauthorized },
  },
  'POST /password': {
    summary: 'Change the password; every other session ends',
    tag: 'Accounts and sessions',
    auth: 'session',
    body: passwordChangeSchema(MIN_PASSWORD),
    responses: {
      204: { description: 'Changed; every other session of the user has ended.' },
      400: error('`currentPassword` is incorrect, or `newPassword` breaks the policy (`invalid_input`).'),
      401: unauthorized,
      429: error(
        'Too many failed attempts (`too_many_attempts`), or too many changes of this account (`too_many_requests`, 10 an hour); see `Retry-After`.',
      ),
    },
  },
  'PUT /email': {
    summary: 'Set or change your email address; its verification link is mailed',
    tag: 'Accounts and sessions',
    auth: 'session',
    body: emailChangeSchema,
    responses: {
      202: {
        description:
          'Stored, unverified, and a link mailed to it (the same verified address again changes nothing).',
        body: accepted,
      },
      400: error('Not an email address of at most 254 characters (`invalid_input`).'),
      401: unauthorized,
      403: stale,
      429: error('Too many verification mails this hour (`too_many_requests`); see `Retry-After`.'),
    },
  },
  'POST /email/verify': {
    summary: "Verify an email address with its link's token",
    tag: 'Accounts and sessions',
    auth: 'none',
    body: emailVerifySchema,
    responses: {
      204: { description: 'The address is verified on its account.' },
      400: error('The token is invalid, expired or used (`invalid_token`).'),
      409: error('Another account verified that address first (`email_taken`).'),
      429: limited('verifications from this address (60 an hour)'),
    },
  },
  'POST /password/forgot': {
    summary: 'Ask for a password reset link by mail',
    tag: 'Accounts and sessions',
    auth: 'none',
    body: forgotPasswordSchema,
    responses: {
      202: {
        description:
          'The same answer, in comparable time, whether or not the account exists; a link goes only to a verified address, and within the limits.',
        body: accepted,
      },
      400: error('Neither or both of `email` and `username`, or a malformed one (`invalid_input`).'),
    },
  },
  'POST /password/reset': {
    summary: "Set a new password with a reset link's token; every session ends",
    tag: 'Accounts and sessions',
    auth: 'none',
    body: passwordResetSchema(MIN_PASSWORD),
    responses: {
      204: { description: 'The password is set; every session and device token of the account has ended.' },
      400: error(
        'The token is invalid, expired or used (`invalid_token`), or `newPassword` breaks the policy (`invalid_input`).',
      ),
      429: limited('resets from this address (20 an hour)'),
    },
  },
  'DELETE /sessions': {
    summary: 'Sign out everywhere',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: { 204: { description: 'Every session of the user has ended.' }, 401: unauthorized },
  },
  'GET /sessions': {
    summary: 'Where you are signed in',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: {
      200: { description: 'Your live sessions, most recently active first.', body: sessionList },
      401: unauthorized,
    },
  },
  'DELETE /sessions/{id}': {
    summary: 'End one of your sessions',
    tag: 'Accounts and sessions',
    auth: 'session',
    responses: {
      204: { description: 'Ended at once; your current one is a logout (the cookie is expired).' },
      401: unauthorized,
      404: error('Not one of your live sessions (`not_found`).'),
    },
  },
  'POST /registrations': {
    summary: 'Register for an activity',
    tag: 'Registrations',
    auth: 'session',
    body: createRegistrationSchema,
    idempotencyKey: true,
    responses: {
      201: {
        description: 'The new unpaid registration (or, replayed, the one the key made).',
        body: registration,
      },
      400: error('Invalid input or `Idempotency-Key` (`invalid_input`).'),
      401: unauthorized,
      422: error('The key was used for another request (`idempotency_key_reused`).'),
    },
  },
  'GET /registrations': {
    summary: 'Your registrations (an admin: all), newest first',
    tag: 'Registrations',
    auth: 'session',
    query: {
      limit: {
        description: 'Page size, 1-100 (default 20).',
        schema: { type: 'string', pattern: '^[0-9]+$' },
      },
      cursor: { description: 'The `nextCursor` of the previous page.', schema: { type: 'string' } },
    },
    responses: {
      200: { description: 'A page.', body: registrationPage },
      400: error('A bad `limit` (`invalid_input`) or `cursor` (`invalid_cursor`).'),
      401: unauthorized,
    },
  },
  'GET /registrations/{id}': {
    summary: 'One registration',
    tag: 'Registrations',
    auth: 'session',
    responses: {
      200: { description: 'The registration.', body: registration },
      401: unauthorized,
      404: notFound,
    },
  },
  'DELETE /registrations/{id}': {
    summary: 'Delete a registration',
    tag: 'Registrations',
    auth: 'session',
    responses: { 204: { description: 'Deleted.' }, 401: unauthorized, 404: notFound },
  },
  'POST /registrations/{id}/payment': {
    summary: 'Record a payment (admins)',
    tag: 'Registrations',
    auth: 'session',
    responses: {
      200: { description: 'Paid; paying twice keeps the first `paidAt`.', body: registration },
      401: unauthorized,
      403: error('Only admins record payments (`forbidden`), said only to the owner.'),
      404: notFound,
      409: error('The deadline has passed (`payment_deadline_passed`).'),
    },
  },
};

export { errorBody };
