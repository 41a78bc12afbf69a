import * as z from 'zod/mini';
import { passwordProblem } from '#shared/auth/password-policy';
import { USERNAME_PATTERN, USERNAME_RULE } from '#shared/auth/username';
import { emailSchema } from '#shared/auth/email-address';
import { tokenSchema } from '#shared/auth/account-tokens';

/** The account rules of the contract, in one place: the API, the CLI and the tests all read these. */
export const PASSWORD_MAX_LENGTH = 256;

const codePoints = (value: string) => [...value].length;
const aString = () => z.string({ error: 'must be a string' });
const jsonObject = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, { error: 'must be a JSON object' });

export const usernameSchema = aString().check(z.regex(USERNAME_PATTERN, USERNAME_RULE));

/**
 * NIST SP 800-63B §3.1.1.2: a minimum length, a generous maximum, any characters, no composition rules.
 * Length counts characters (code points), not bytes, so a non-Latin password is measured as it is typed.
 */
export const passwordSchema = (minLength: number) =>
  aString().check(
    z.refine((value) => codePoints(value) >= minLength, `must be at least ${minLength} characters`),
    z.refine(
      (value) => codePoints(value) <= PASSWORD_MAX_LENGTH,
      `must be at most ${PASSWORD_MAX_LENGTH} characters`,
    ),
  );

export const signupBodySchema = (minLength: number) =>
  jsonObject({
    username: usernameSchema,
    password: passwordSchema(minLength),
    password_confirmation: z.optional(aString()),
    /** Optional; stored unverified, and its verification link mailed. */
    email: z.optional(emailSchema),
  }).check(
    z.superRefine((body, ctx) => {
      const problem = passwordProblem(body.password, body.username);
      if (problem)
        ctx.issues.push({ code: 'custom', input: body.password, path: ['password'], message: problem });
      if (body.password_confirmation !== undefined && body.password_confirmation !== body.password) {
        ctx.issues.push({
          code: 'custom',
          input: body.password_confirmation,
          path: ['password_confirmation'],
          message: 'does not match password',
        });
      }
    }),
  );

/**
 * Login checks only shapes: applying the signup rules here would tell an attacker which guesses are
 * impossible, and would lock out accounts imported from systems with other rules.
 */
export const loginBodySchema = jsonObject({
  username: aString().check(z.minLength(1, 'is required'), z.maxLength(256, 'is too long')),
  password: aString().check(
    z.minLength(1, 'is required'),
    z.maxLength(PASSWORD_MAX_LENGTH * 4, 'is too long'),
  ),
});

/** A password change: the current password proves it is the user; the new one meets the signup rules. */
export const passwordChangeSchema = (minLength: number) =>
  jsonObject({
    currentPassword: aString().check(
      z.minLength(1, 'is required'),
      z.maxLength(PASSWORD_MAX_LENGTH * 4, 'is too long'),
    ),
    newPassword: passwordSchema(minLength),
  });

/** PUT /email: the address the account should have. */
export const emailChangeSchema = jsonObject({ email: emailSchema });

/** POST /email/verify: the token of a verification link. */
export const emailVerifySchema = jsonObject({ token: tokenSchema });

/** POST /password/forgot: the verified address, or the username; exactly one. */
export const forgotPasswordSchema = jsonObject({
  email: z.optional(emailSchema),
  username: z.optional(aString().check(z.minLength(1, 'is required'), z.maxLength(256, 'is too long'))),
}).check(
  z.superRefine((body, ctx) => {
    if ((body.email === undefined) === (body.username === undefined))
      ctx.issues.push({
        code: 'custom',
        input: body,
        path: [body.email === undefined ? 'email' : 'username'],
        message: 'give either email or username, not both',
      });
  }),
);

/** POST /password/reset: a reset link's token, and the new password under the signup rules. */
export const passwordResetSchema = (minLength: number) =>
  jsonObject({ token: tokenSchema, newPassword: passwordSchema(minLength) });

const code = aString().check(z.regex(/^\d{6}$/, 'must be the 6 digits your authenticator shows'));
const recoveryCode = aString().check(z.minLength(1, 'is required'), z.maxLength(64, 'is too long'));

/** A current TOTP code: enabling, disabling, renewing recovery codes. */
export const totpCodeSchema = jsonObject({ code });

/**
 * Exactly one of these optional fields: none is `invalid_input` named on the first; more than one is named
 * on the second given.
 */
const exactlyOne = <F extends string>(...fields: [F, F, ...F[]]) =>
  z.superRefine((body: Partial<Record<F, unknown>>, ctx) => {
    const given = fields.filter((field) => body[field] !== undefined);
    if (given.length !== 1)
      ctx.issues.push({
        code: 'custom',
        input: body,
        path: [given[1] ?? fields[0]],
        message: `give exactly one of ${fields.join(', ')}`,
      });
  });

/** The second half of a login: a TOTP code or a recovery code, exactly one. */
export const mfaProofSchema = jsonObject({
  code: z.optional(code),
  recoveryCode: z.optional(recoveryCode),
}).check(exactlyOne('code', 'recoveryCode'));

/**
 * A passkey's credential id as WebAuthn serializes it: base64url, so its bytes are its characters (a key of
 * DynamoDB's is bounded in bytes: 1,024 characters of another alphabet could pass a length check and not
 * the table's).
 */
export const credentialId = aString().check(
  z.minLength(1, 'is required'),
  z.maxLength(1024, 'is too long'),
  z.regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'),
);

/** A WebAuthn answer as the browser library serializes it; the verifier checks everything inside. */
const webauthnResponse = z.looseObject({
  id: credentialId,
  rawId: aString(),
  type: z.literal('public-key', { error: 'must be "public-key"' }),
  response: z.looseObject({ clientDataJSON: aString() }),
  clientExtensionResults: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * POST /reauth: the account's password, a current TOTP code, or a passkey's answer to a challenge from
 * `POST /passkeys/login/options`: exactly one.
 */
export const reauthSchema = jsonObject({
  password: z.optional(loginBodySchema.shape.password),
  code: z.optional(code),
  passkey: z.optional(webauthnResponse),
}).check(exactlyOne('password', 'code', 'passkey'));

/** POST /passkeys/register and POST /passkeys/login: the authenticator's answer. */
export const passkeyResponseSchema = jsonObject({ response: webauthnResponse });

export type SignupBody = z.infer<ReturnType<typeof signupBodySchema>>;
export type LoginBody = z.infer<typeof loginBodySchema>;
