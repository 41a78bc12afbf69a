import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { providerDeclaration, providerListProblems } from '#shared/platform/identity-provider-settings';

// English messages for every schema (zod/mini ships none by default; this adds about 4 KB).
z.config(en());

/**
 * Every setting the functions read, validated once per container. A bad or missing setting fails the
 * cold start with a message naming it, instead of failing some later request in a confusing way.
 * The README's settings table lists exactly these.
 */
// zod/mini rather than zod: the same checks at a twentieth of the bundle size (19 KB instead of 443 KB).
export const commaList = z.pipe(
  z.string(),
  z.transform((value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

const integer = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);
const text = (fallback: string) => z._default(z.string().check(z.minLength(1)), fallback);
const optionalText = z.optional(z.string().check(z.minLength(1)));
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z._default(z.enum(values), fallback);

/** The identity providers' declarations, given as one JSON array. */
const providerList = z.pipe(
  z.string(),
  z.pipe(
    z.transform((value: string, ctx) => {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.issues.push({ input: value, code: 'custom', message: 'must be a JSON array of providers' });
        return z.NEVER;
      }
    }),
    z.array(providerDeclaration),
  ),
);

const settingsSchema = z
  .object({
    STAGE: oneOf(['local', 'dev', 'prod'], 'local'),
    // Each function is given only the tables it uses; the composition root names a missing one (compose/).
    USERS_TABLE: optionalText,
    SESSIONS_TABLE: optionalText,
    REGISTRATIONS_TABLE: optionalText,
    LOGIN_ATTEMPTS_TABLE: optionalText,
    SUPPRESSIONS_TABLE: optionalText,
    EMAILS_TABLE: optionalText,
    PASSKEYS_TABLE: optionalText,
    ACCOUNT_TOKENS_TABLE: optionalText,
    IDENTITIES_TABLE: optionalText,
    PUBLISHED_KEYS_TABLE: optionalText,
    DYNAMODB_ENDPOINT: z.optional(httpUrl()),
    TOKEN_ISSUER: text('pistus'),
    TOKEN_AUDIENCE: text('pistus-api'),
    SESSION_TTL_SECONDS: integer(60, 30 * 24 * 3600, 12 * 3600),
    SESSION_IDLE_SECONDS: integer(60, 30 * 24 * 3600, 30 * 60),
    /**
     * Step-up: how long after the user last proved who they are (a sign-in, or `POST /reauth`) a session may
     * make a sensitive change (a passkey, the email address, the second factor). Past it: 403
     * `reauthentication_required`, so a stolen session alone cannot take the account for good.
     */
    REAUTH_WINDOW_SECONDS: integer(60, 24 * 3600, 600),
    BCRYPT_COST: integer(4, 15, 12),
    PASSWORD_MIN_LENGTH: integer(8, 256, 8),
    COOKIE_NAME: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/)), '__Host-session'),
    COOKIE_SAME_SITE: oneOf(['Strict', 'Lax', 'None'], 'Lax'),
    ALLOWED_ORIGINS: z._default(z.pipe(commaList, z.array(httpUrl())), []),
    /** On AWS: the Secrets Manager secret holding the JWT signing keys. */
    SIGNING_SECRET_ARN: optionalText,
    /** Locally: the same JSON document, given directly. */
    SIGNING_KEYS: optionalText,
    /** On AWS: the Secrets Manager secret holding the password pepper. */
    PEPPER_SECRET_ARN: optionalText,
    /** Locally: the pepper itself. */
    PASSWORD_PEPPER: optionalText,
    /** On AWS: the Secrets Manager secret holding the key that encrypts TOTP secrets (AES-256-GCM). */
    MFA_KEY_SECRET_ARN: optionalText,
    /** Locally: that key itself (32 bytes, base64url). */
    MFA_KEY: optionalText,
    /** On AWS: the Secrets Manager secret holding the key that names recipient addresses in mail counters. */
    MAIL_KEY_SECRET_ARN: optionalText,
    /** Locally: that key itself. */
    MAIL_KEY: optionalText,
    /**
     * Verification links one address may be sent in an hour, and reset links apart, across every account
     * and client that names it; more requests answer as before and send nothing.
     */
    LINK_MAILS_PER_ADDRESS_HOUR: integer(1, 1000, 5),
    /** Security notices one address may be sent in an hour; more are not sent. */
    NOTICES_PER_ADDRESS_HOUR: integer(1, 1000, 20),
    PAYMENT_PERIOD_DAYS: integer(1, 365, 5),
    REMINDER_WINDOW_DAYS: integer(0, 364, 2),
    /** The From address of reminder emails; an SES verified identity on AWS. */
    SES_SENDER: text('Pistus <no-reply@pistus.local>'),
    /** Locally: the SES emulator. On AWS: unset. */
    SES_ENDPOINT: z.optional(httpUrl()),
    /** The SES sandbox allows 1 message per second; raise it to the account's quota once out of it. */
    SES_MAX_SEND_RATE: z._default(z.coerce.number().check(z.positive(), z.maximum(1000)), 1),
    SES_CONCURRENCY: integer(1, 50, 4),
    /**
     * How many reminder senders run at once (the event source mapping's maximum concurrency): each sends at
     * SES_MAX_SEND_RATE / REMINDER_SENDERS, so together they stay under the account's rate.
     */
    REMINDER_SENDERS: integer(1, 1000, 2),
    /** The queue the deadline planner puts due reminders on (the sender's event source). */
    REMINDERS_QUEUE_URL: z.optional(httpUrl()),
    /** The queue a planner out of time leaves its cursor on. */
    DEADLINE_CONTINUATIONS_QUEUE_URL: z.optional(httpUrl()),
    /** On AWS: the configuration set that publishes bounces and complaints; unset locally. */
    SES_CONFIGURATION_SET: optionalText,
    /** Where the browser client is served: the links in account mails point to its pages. */
    APP_URL: z.optional(httpUrl()),
    /**
     * How long after an account's deletion the daily clean-up run sweeps it once more and frees its name
     * (shared/auth/account-deletion.ts): the name is free at the first daily run after this.
     */
    ACCOUNT_DELETION_GRACE_SECONDS: integer(0, 7 * 24 * 3600, 3600),
    /** How long a password reset link works (OWASP: short; 30 minutes by default). */
    RESET_TOKEN_TTL_SECONDS: integer(300, 24 * 3600, 1800),
    /** How long an email verification link works. */
    EMAIL_TOKEN_TTL_SECONDS: integer(300, 30 * 24 * 3600, 86400),
    /** Reset mails one account may be sent in an hour; more requests still answer 202 and send nothing. */
    RESET_MAILS_PER_HOUR: integer(1, 100, 3),
    /**
     * The least time `POST /password/forgot` takes to answer, mailed or not, so timing cannot tell an account
     * from none: DynamoDB and SES answer well within it. Tests of other things shorten it locally.
     */
    FORGOT_ANSWER_FLOOR_MS: integer(0, 10_000, 500),
    /** "Forgot password" requests one client address may make in an hour (a classroom shares one). */
    FORGOT_REQUESTS_PER_IP_HOUR: integer(1, 10_000, 30),
    /** Verification mails one account may ask for in an hour. */
    VERIFY_MAILS_PER_HOUR: integer(1, 100, 5),
    /** Signups one client address may make in 10 minutes (a classroom behind one NAT shares one). */
    SIGNUP_LIMIT_PER_IP: integer(1, 100_000, 20),
    /** Password changes one account may make in an hour. */
    PASSWORD_CHANGE_LIMIT_PER_ACCOUNT: integer(1, 10_000, 10),
    /** Password resets (`POST /password/reset`) one client address may attempt in an hour. */
    RESET_LIMIT_PER_IP: integer(1, 100_000, 20),
    /** Email verifications (`POST /email/verify`) one client address may attempt in an hour. */
    VERIFY_LIMIT_PER_IP: integer(1, 100_000, 60),
    /** Passkey sign-ins (`POST /passkeys/login/options`, an item each) one address may start in 10 minutes. */
    PASSKEY_OPTIONS_LIMIT_PER_IP: integer(1, 100_000, 100),
    /** Sign-ins at identity providers (`GET /auth/{provider}/start`, a flow each) one address may start in 10 minutes. */
    SIGN_IN_STARTS_LIMIT_PER_IP: integer(1, 100_000, 100),
    /**
     * With the edge (CloudFront and WAF) in front: the value of the `x-origin-verify` header CloudFront adds.
     * Requests without it are refused, and the viewer's address is read from CloudFront's header only when
     * it is there.
     */
    ORIGIN_VERIFY_SECRET: optionalText,
    /**
     * The identity providers users may sign in with, a JSON array (shared/auth/identity-providers.ts):
     * `[{"id":"google","kind":"google","clientId":"…"}, {"id":"corp","issuer":"https://…","clientId":"…"}]`.
     * Their client secrets are not here: they are in the identity secret, read by the callback alone.
     */
    IDENTITY_PROVIDERS: z._default(providerList, []),
    /** On AWS: the Secrets Manager secret holding the providers' client secrets, by provider id (JSON). */
    IDENTITY_SECRETS_ARN: optionalText,
    /** Locally: that JSON document itself. */
    IDENTITY_PROVIDER_SECRETS: optionalText,
    /**
     * How long one call to an identity provider may take (discovery, keys, code exchange, GitHub's API),
     * connecting included; past it the sign-in answers 503 with Retry-After.
     */
    // A cold callback makes three calls in a row (discovery, token, keys): 3 × 5 s stays inside its limit.
    IDENTITY_PROVIDER_TIMEOUT_MS: integer(100, 5000, 3000),
    /**
     * The API's address as browsers reach it, which providers send users back to (`/auth/{id}/callback`):
     * by default the request's own host. Set it behind the edge (CloudFront), whose host the API does not see.
     */
    API_URL: z.optional(httpUrl()),
    /** WebAuthn relying party: the domain passkeys are bound to (the client's host name). */
    RP_ID: optionalText,
    /** The exact origin the client runs at, which the browser puts in every WebAuthn response. */
    RP_ORIGIN: z.optional(httpUrl()),
    /**
     * The audiences `POST /token` issues access tokens for: the other services of the stage that verify
     * them (`aud`), comma-separated. Empty: no access tokens (every request answers `invalid_audience`).
     */
    TOKEN_AUDIENCES: z._default(
      z.pipe(
        commaList,
        z.array(z.string().check(z.regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 visible characters'))),
      ),
      [],
    ),
    /** How long an access token lives (RFC 9068 tokens are short): it outlives a logout by at most this. */
    ACCESS_TOKEN_SECONDS: integer(60, 900, 900),
    /** On AWS: the Secrets Manager secret holding the access-token signing keys (for `POST /token` alone). */
    ACCESS_TOKEN_KEYS_SECRET_ARN: optionalText,
    /** Locally: that JSON document itself. */
    ACCESS_TOKEN_KEYS: optionalText,
    LOG_LEVEL: oneOf(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'], 'INFO'),
  })
  .check(
    z.superRefine((settings, ctx) => {
      // Only the functions that check sessions get signing keys; never both sources.
      if (settings.SIGNING_SECRET_ARN && settings.SIGNING_KEYS) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['SIGNING_SECRET_ARN'],
          message: 'set only one of SIGNING_SECRET_ARN (AWS) or SIGNING_KEYS (local)',
        });
      }
      // Only the functions that hash passwords get a pepper, so it may be absent; never both.
      if (settings.PEPPER_SECRET_ARN && settings.PASSWORD_PEPPER) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['PEPPER_SECRET_ARN'],
          message: 'set only one of PEPPER_SECRET_ARN (AWS) or PASSWORD_PEPPER (local)',
        });
      }
      // A secret in the environment is readable by anyone who can read the function's configuration: on
      // AWS the functions get ARNs and read Secrets Manager; the values themselves are for the local stack.
      if (settings.MFA_KEY_SECRET_ARN && settings.MFA_KEY) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['MFA_KEY_SECRET_ARN'],
          message: 'set only one of MFA_KEY_SECRET_ARN (AWS) or MFA_KEY (local)',
        });
      }
      if (settings.MAIL_KEY_SECRET_ARN && settings.MAIL_KEY) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['MAIL_KEY_SECRET_ARN'],
          message: 'set only one of MAIL_KEY_SECRET_ARN (AWS) or MAIL_KEY (local)',
        });
      }
      if (settings.IDENTITY_SECRETS_ARN && settings.IDENTITY_PROVIDER_SECRETS) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['IDENTITY_SECRETS_ARN'],
          message: 'set only one of IDENTITY_SECRETS_ARN (AWS) or IDENTITY_PROVIDER_SECRETS (local)',
        });
      }
      if (settings.ACCESS_TOKEN_KEYS_SECRET_ARN && settings.ACCESS_TOKEN_KEYS) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['ACCESS_TOKEN_KEYS_SECRET_ARN'],
          message: 'set only one of ACCESS_TOKEN_KEYS_SECRET_ARN (AWS) or ACCESS_TOKEN_KEYS (local)',
        });
      }
      for (const raw of [
        'SIGNING_KEYS',
        'PASSWORD_PEPPER',
        'MFA_KEY',
        'MAIL_KEY',
        'IDENTITY_PROVIDER_SECRETS',
        'ACCESS_TOKEN_KEYS',
      ] as const) {
        if (settings.STAGE !== 'local' && settings[raw]) {
          ctx.issues.push({
            input: settings,
            code: 'custom',
            path: [raw],
            message: `is for the local stage only; ${settings.STAGE} reads the secret from Secrets Manager by ARN`,
          });
        }
      }
      for (const message of providerListProblems(settings.IDENTITY_PROVIDERS))
        ctx.issues.push({ input: settings, code: 'custom', path: ['IDENTITY_PROVIDERS'], message });
      // A deployed stage speaks to providers over TLS only: plain http is the local test provider's.
      if (settings.STAGE !== 'local')
        for (const provider of settings.IDENTITY_PROVIDERS)
          for (const url of [provider.issuer, provider.webUrl, provider.apiUrl])
            if (url?.startsWith('http:'))
              ctx.issues.push({
                input: settings,
                code: 'custom',
                path: ['IDENTITY_PROVIDERS'],
                message: `${provider.id}: ${url} must be https outside local`,
              });
      if (settings.REMINDER_WINDOW_DAYS >= settings.PAYMENT_PERIOD_DAYS) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['REMINDER_WINDOW_DAYS'],
          message: 'must be shorter than PAYMENT_PERIOD_DAYS',
        });
      }
      // The floor hides whether a reset was mailed (SES's round trip included): deployments keep it.
      if (settings.STAGE !== 'local' && settings.FORGOT_ANSWER_FLOOR_MS < 500) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['FORGOT_ANSWER_FLOOR_MS'],
          message: 'must be at least 500 outside local',
        });
      }
      // OWASP Password Storage: bcrypt work factor 10 or more. Tests may go lower, deployments never.
      if (settings.STAGE !== 'local' && settings.BCRYPT_COST < 10) {
        ctx.issues.push({
          input: settings,
          code: 'custom',
          path: ['BCRYPT_COST'],
          message: 'must be at least 10 outside local',
        });
      }
    }),
  );

export type Settings = z.infer<typeof settingsSchema>;

/**
 * Each setting's schema, with its bounds and default, by name. The stack's context settings that feed a
 * setting take their schema from here (infra/stack-settings.ts), so the two cannot disagree.
 */
export const settingsShape = settingsSchema.shape;

/** The name of every setting, for tools that pass a function's environment on (the local stack's CLIs). */
export const SETTING_NAMES = Object.keys(settingsShape) as (keyof Settings)[];

/** One invalid setting and what is wrong with it. */
export interface ConfigProblem {
  setting: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** What parseSettings found, setting by setting (empty for the errors other modules raise). */
  readonly problems: readonly ConfigProblem[];

  constructor(message: string, problems: readonly ConfigProblem[] = []) {
    super(message);
    this.problems = problems;
  }
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
  const result = settingsSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    setting: issue.path.join('.') || '(settings)',
    message: issue.message,
  }));
  throw new ConfigError(
    `Invalid configuration: ${problems.map(({ setting, message }) => `${setting}: ${message}`).join('; ')}`,
    problems,
  );
}

let cached: Settings | undefined;

/** The settings of this container, read from the environment on first use. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
