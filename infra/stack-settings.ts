import * as z from 'zod/mini';
import { functionEnvironment, MAIL_SETTINGS, SECRET_SETTINGS } from '#infra/function-environment';
import { allFunctions } from '#infra/routes';
import { ConfigError, httpUrl, parseSettings, type Settings, settingsShape } from '#shared/platform/config';

/**
 * The deploy-time settings, read from CDK context (`cdk deploy -c stage=prod -c allowedOrigins=...`) and
 * validated before anything is built, so a typo fails the synth with the setting's name.
 */
export const PLACEHOLDER_SENDER = 'no-reply@example.com';
export const PLACEHOLDER_APP_URL = 'https://app.example.com';

export const STAGES = ['dev', 'prod'] as const;

/**
 * The context settings that are function settings, each declared by naming the setting it feeds: its
 * schema, bounds and default are that setting's own (shared/platform/config.ts), and every function that
 * reads it gets its value (those in MAIL_SETTINGS the functions that send email, any other all of them).
 * The README's settings table marks each one `(stack: <name>)`.
 */
export const FUNCTION_SETTINGS = {
  allowedOrigins: 'ALLOWED_ORIGINS',
  cookieSameSite: 'COOKIE_SAME_SITE',
  sessionTtlSeconds: 'SESSION_TTL_SECONDS',
  sessionIdleSeconds: 'SESSION_IDLE_SECONDS',
  bcryptCost: 'BCRYPT_COST',
  signupLimitPerIp: 'SIGNUP_LIMIT_PER_IP',
  passwordChangeLimitPerAccount: 'PASSWORD_CHANGE_LIMIT_PER_ACCOUNT',
  resetLimitPerIp: 'RESET_LIMIT_PER_IP',
  verifyLimitPerIp: 'VERIFY_LIMIT_PER_IP',
  forgotLimitPerIp: 'FORGOT_REQUESTS_PER_IP_HOUR',
  sesMaxSendRate: 'SES_MAX_SEND_RATE',
  reminderSenders: 'REMINDER_SENDERS',
  tokenAudiences: 'TOKEN_AUDIENCES',
  accessTokenSeconds: 'ACCESS_TOKEN_SECONDS',
} as const satisfies Record<string, keyof Settings>;

type FunctionSettingName = keyof typeof FUNCTION_SETTINGS;

const functionSettingSchemas = Object.fromEntries(
  Object.entries(FUNCTION_SETTINGS).map(([name, setting]) => [name, settingsShape[setting]]),
) as { [Name in FunctionSettingName]: (typeof settingsShape)[(typeof FUNCTION_SETTINGS)[Name]] };

/**
 * The context settings the stack turns into function settings by rules of its own (a narrower schema, a
 * value of its making): they keep their own schemas below, and a function refusing one names it.
 */
export const DERIVED_FUNCTION_SETTINGS = {
  stage: 'STAGE',
  rpId: 'RP_ID',
  rpOrigin: 'RP_ORIGIN',
  senderEmail: 'SES_SENDER',
  appUrl: 'APP_URL',
  identityProviders: 'IDENTITY_PROVIDERS',
  apiUrl: 'API_URL',
} as const satisfies Record<string, keyof Settings>;

/** Which function setting each context setting feeds, if any. */
const FEEDS: Record<string, string> = { ...FUNCTION_SETTINGS, ...DERIVED_FUNCTION_SETTINGS };

/** The settings of the stack alone, and those above with the functions' schemas. */
const stackSettingsSchema = z.object({
  stage: z._default(z.enum(['dev', 'prod']), 'dev'),
  /** The From address of reminder emails; the stack creates its SES identity, which must then be verified. */
  senderEmail: z._default(z.email(), PLACEHOLDER_SENDER),
  /**
   * Where the browser client is served: the links in verification and reset mails open its pages. By
   * default the first allowed origin, else a placeholder that prod refuses.
   */
  appUrl: z.optional(httpUrl()),
  /** The passkeys' relying party: by default the client's host name and origin (from appUrl). */
  rpId: z.optional(z.string().check(z.regex(/^[a-z0-9.-]+$/, 'must be a host name'))),
  rpOrigin: z.optional(httpUrl()),
  /**
   * The identity providers users may sign in with (shared/auth/identity-providers.ts): an array in cdk.json,
   * or its JSON on the command line. Their client secrets go in the identity secret (docs/deploy.md).
   */
  identityProviders: z._default(
    z.pipe(
      z.union([z.string(), z.array(z.unknown())]),
      z.transform((value) => (typeof value === 'string' ? value : JSON.stringify(value))),
    ),
    '[]',
  ),
  /** The API's address as browsers reach it (the edge's), for the callback providers send users to. */
  apiUrl: z.optional(httpUrl()),
  /**
   * Forces the run-on-deploy jobs to run once more when changed. By default they run when their code or
   * configuration changes, so two synths of an unchanged app are identical.
   */
  deployId: z.optional(z.string().check(z.minLength(1))),
  /**
   * Indexes this deploy leaves out, as `table.index` separated by commas (`users.byName,users.byEmail`).
   * CloudFormation creates or deletes one global secondary index per table in one update; a stage deployed
   * before a version that adds several to one table is upgraded in one deploy per index, leaving out one
   * fewer each time (docs/deploy.md, "Upgrading"). Empty: every declared index.
   */
  withoutIndexes: z.pipe(
    z._default(
      z.string().check(z.regex(/^([a-z-]+\.[A-Za-z]+(,[a-z-]+\.[A-Za-z]+)*)?$/, 'must be table.index,...')),
      '',
    ),
    z.transform((value: string) => (value ? value.split(',') : [])),
  ),
  /**
   * API Gateway stage throttling, for the whole API: steady requests per second and burst. High enough that
   * one client cannot use it to make everyone's requests fail (AWS's account default is 10,000/s); the
   * per-client limits are the product's own (login counters today).
   */
  apiRateLimit: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1000),
  apiBurstLimit: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 2000),
  /** Where alarms go: an email address subscribed to the alarm topic (it must confirm the subscription). */
  alarmEmail: z.optional(z.email()),
  /**
   * CloudFront with an AWS WAF web ACL in front of the API (docs/deploy.md, "The edge"): off by default.
   * `-c edge=true`; the stack must then be in us-east-1, where CloudFront's web ACLs live.
   */
  edge: z._default(
    z.pipe(
      z.union([z.boolean(), z.enum(['true', 'false'])]),
      z.transform((value) => value === true || value === 'true'),
    ),
    false,
  ),
  /** The edge's rate-based rule: requests one viewer address may make in 5 minutes before it is blocked. */
  edgeRateLimit: z._default(z.coerce.number().check(z.int(), z.minimum(10), z.maximum(2_000_000_000)), 2000),
  ...functionSettingSchemas,
});

export type StackSettings = z.infer<typeof stackSettingsSchema>;

/** The name of every context setting (docs/deploy.md's table lists exactly these). */
export const STACK_SETTING_NAMES = Object.keys(stackSettingsSchema.shape) as (keyof StackSettings)[];

/**
 * The most senders the rate allows: each sends a batch of 10 at rate ÷ senders, and must finish it inside
 * the 50 s it has of its 60 s (infra/routes.ts, `reminder-sender`), so 10 × senders ÷ rate ≤ 50.
 */
export const maxReminderSenders = (sesMaxSendRate: number) => Math.floor(5 * sesMaxSendRate);

/** A context setting with the function setting it feeds, as in `sessionTtlSeconds (SESSION_TTL_SECONDS)`. */
function described(path: readonly PropertyKey[]): string {
  const setting = FEEDS[String(path[0])];
  return `${path.map(String).join('.')}${setting ? ` (${setting})` : ''}`;
}

/** A function setting with the context setting it comes from, as in `bcryptCost (BCRYPT_COST)`. */
function describedSetting(setting: string): string {
  const name = Object.keys(FEEDS).find((key) => FEEDS[key] === setting);
  return name ? described([name]) : setting;
}

/** What the stack alone asks of its settings beyond their schemas. */
function stackProblems(settings: StackSettings): string[] {
  const most = maxReminderSenders(settings.sesMaxSendRate);
  return [
    ...(settings.reminderSenders < 2
      ? ['reminderSenders: at least 2 (the least maximum concurrency of an event source mapping)']
      : []),
    ...(settings.reminderSenders > most
      ? [
          `reminderSenders: at most ${most} at sesMaxSendRate ${settings.sesMaxSendRate} (each sender must send its batch of 10 within 50 s)`,
        ]
      : []),
  ];
}

/**
 * Each function's environment checked exactly as its cold start checks it (parseSettings, cross-field
 * rules included, with the stage's STAGE): a value a function would refuse fails the synth, naming the
 * context setting, instead of every cold start after a deploy that succeeded.
 */
function functionProblems(settings: StackSettings): string[] {
  const problems = new Set<string>();
  for (const environment of placeholderEnvironments(settings).values()) {
    try {
      parseSettings(environment);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const { setting, message } of error.problems)
        problems.add(`${describedSetting(setting)}: ${message}`);
    }
  }
  return [...problems];
}

function invalid(problems: string[]): never {
  throw new Error(`Invalid stack settings (cdk context): ${problems.join('; ')}`);
}

/** The settings from the context, or an error naming each bad one. */
export function readStackSettings(context: Record<string, unknown>): StackSettings {
  const result = stackSettingsSchema.safeParse(context);
  if (!result.success)
    invalid(result.error.issues.map((issue) => `${described(issue.path)}: ${issue.message}`));
  const problems = [...stackProblems(result.data), ...functionProblems(result.data)];
  if (problems.length) invalid(problems);
  return result.data;
}

/** A function setting's value as the environment carries it (a list comma-separated, as config.ts reads it). */
const environmentValue = (value: string | number | readonly string[]): string =>
  typeof value === 'object' ? value.join(',') : String(value);

/**
 * The function settings that come from the stack's settings: `common` for every function, `mail` for
 * those that send email. infra/stack/functions.ts sets exactly these.
 */
export function functionSettings(settings: StackSettings): {
  common: Record<string, string>;
  mail: Record<string, string>;
} {
  const rp = relyingParty(settings);
  const { stage, ...derived }: Record<keyof typeof DERIVED_FUNCTION_SETTINGS, string | undefined> = {
    stage: settings.stage,
    rpId: rp.id,
    rpOrigin: rp.origin,
    senderEmail: settings.senderEmail,
    appUrl: appUrl(settings),
    // None declared: not set at all, so a stage without providers has the environment it always had.
    identityProviders: settings.identityProviders === '[]' ? undefined : settings.identityProviders,
    apiUrl: settings.apiUrl,
  };
  // STAGE first, as the environment has always begun: the deadline job's run-on-deploy digest reads it
  // in order (infra/stack/jobs.ts), and an unchanged app must not run it again.
  const values: [string, string][] = [
    [DERIVED_FUNCTION_SETTINGS.stage, stage as string],
    ...Object.entries(FUNCTION_SETTINGS).map(([name, setting]): [string, string] => [
      setting,
      environmentValue(settings[name as FunctionSettingName]),
    ]),
    ...Object.entries(derived)
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]): [string, string] => [
        DERIVED_FUNCTION_SETTINGS[name as keyof typeof derived],
        value,
      ]),
  ];
  const mail = new Set<string>(MAIL_SETTINGS);
  return {
    common: Object.fromEntries(values.filter(([setting]) => !mail.has(setting))),
    mail: Object.fromEntries(values.filter(([setting]) => mail.has(setting))),
  };
}

/**
 * Every function's environment as the stack sets it (infra/stack/functions.ts), by function name, with
 * stand-ins for what CloudFormation resolves at deploy time: table names, secret ARNs, queue URLs, the SES
 * configuration set and the edge's secret, each as well-formed as the real value.
 */
export function placeholderEnvironments(settings: StackSettings): Map<string, Record<string, string>> {
  const { common, mail } = functionSettings(settings);
  const secretArns = 'arn:aws:secretsmanager:us-east-1:123456789012:secret';
  return new Map(
    allFunctions().map((fn) => [
      fn.name,
      {
        ...functionEnvironment(fn, {
          common,
          tableName: (table) => `pistus-${settings.stage}-${table.name}`,
          secret: (name) => [SECRET_SETTINGS[name].aws, `${secretArns}:pistus-${name}`],
          queueUrl: (queue) => `https://sqs.us-east-1.amazonaws.com/123456789012/pistus-${queue.name}`,
          mail: { ...mail, SES_CONFIGURATION_SET: `pistus-${settings.stage}-mail-feedback` },
        }),
        ...(settings.edge && 'routes' in fn ? { ORIGIN_VERIFY_SECRET: 'placeholder' } : {}),
      },
    ]),
  );
}

/**
 * What stops a stage from being deployed though its settings are well-formed: dev may mail from a
 * placeholder (nothing leaves the SES sandbox); prod mails real people.
 */
export function deployProblems(settings: StackSettings): string[] {
  if (settings.stage !== 'prod') return [];
  return [
    ...(settings.senderEmail === PLACEHOLDER_SENDER
      ? ['senderEmail: prod needs the sender address you verified in SES: -c senderEmail=you@your-domain']
      : []),
    ...(appUrl(settings) === PLACEHOLDER_APP_URL
      ? [
          'appUrl: prod mails links to the client: -c appUrl=https://your-client.example (or -c allowedOrigins=...)',
        ]
      : []),
  ];
}

/** Where passkeys are bound: the settings, else the client's host name and origin. */
export const relyingParty = (settings: StackSettings) => {
  const client = new URL(appUrl(settings));
  return { id: settings.rpId ?? client.hostname, origin: settings.rpOrigin ?? client.origin };
};

/** The client's URL the account mails link to: the setting, else the first allowed origin, else a placeholder. */
export const appUrl = (settings: StackSettings): string =>
  settings.appUrl ?? settings.allowedOrigins[0] ?? PLACEHOLDER_APP_URL;

/** Settings a stage can be deployed with: well-formed, and no deploy problem. */
export function parseStackSettings(context: Record<string, unknown>): StackSettings {
  const settings = readStackSettings(context);
  const problems = deployProblems(settings);
  if (problems.length) invalid(problems);
  return settings;
}
