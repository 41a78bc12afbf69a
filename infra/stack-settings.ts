import * as z from 'zod/mini';
import { commaList, httpUrl } from '#shared/platform/config';

/**
 * The deploy-time settings, read from CDK context (`cdk deploy -c stage=prod -c allowedOrigins=...`) and
 * validated before anything is built, so a typo fails the synth with the setting's name.
 */
export const PLACEHOLDER_SENDER = 'no-reply@example.com';
export const PLACEHOLDER_APP_URL = 'https://app.example.com';

export const STAGES = ['dev', 'prod'] as const;

const stackSettingsSchema = z.object({
  stage: z._default(z.enum(['dev', 'prod']), 'dev'),
  allowedOrigins: z._default(z.pipe(commaList, z.array(httpUrl())), []),
  cookieSameSite: z._default(z.enum(['Strict', 'Lax', 'None']), 'Lax'),
  sessionTtlSeconds: z._default(z.coerce.number().check(z.int(), z.minimum(60)), 43200),
  /** The From address of reminder emails; the stack creates its SES identity, which must then be verified. */
  senderEmail: z._default(z.email(), PLACEHOLDER_SENDER),
  sesMaxSendRate: z._default(z.coerce.number().check(z.positive()), 1),
  /**
   * How many reminder senders may run at once (the reminders queue's event source mapping, at least 2, as
   * Lambda requires): each sends at sesMaxSendRate / reminderSenders.
   */
  reminderSenders: z._default(z.coerce.number().check(z.int(), z.minimum(2), z.maximum(1000)), 2),
  /**
   * Where the browser client is served: the links in verification and reset mails open its pages. By
   * default the first allowed origin, else a placeholder that prod refuses.
   */
  appUrl: z.optional(httpUrl()),
  /** The passkeys' relying party: by default the client's host name and origin (from appUrl). */
  rpId: z.optional(z.string().check(z.regex(/^[a-z0-9.-]+$/, 'must be a host name'))),
  rpOrigin: z.optional(httpUrl()),
  /**
   * Forces the run-on-deploy jobs to run once more when changed. By default they run when their code or
   * configuration changes, so two synths of an unchanged app are identical.
   */
  deployId: z.optional(z.string().check(z.minLength(1))),
  /**
   * API Gateway stage throttling, for the whole API: steady requests per second and burst. High enough that
   * one client cannot use it to make everyone's requests fail (AWS's account default is 10,000/s); the
   * per-client limits are the product's own (login counters today).
   */
  apiRateLimit: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1000),
  apiBurstLimit: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 2000),
  /** Where alarms go: an email address subscribed to the alarm topic (it must confirm the subscription). */
  alarmEmail: z.optional(z.email()),
  sessionIdleSeconds: z._default(z.coerce.number().check(z.int(), z.minimum(60)), 1800),
  bcryptCost: z._default(z.coerce.number().check(z.int(), z.minimum(10), z.maximum(15)), 12),
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
  /** The per-client limits of the functions (README, "Settings"). */
  signupLimitPerIp: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 20),
  passwordChangeLimitPerAccount: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 10),
  resetLimitPerIp: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 20),
  verifyLimitPerIp: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 60),
  forgotLimitPerIp: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 30),
});

export type StackSettings = z.infer<typeof stackSettingsSchema>;

/**
 * The most senders the rate allows: each sends a batch of 10 at rate ÷ senders, and must finish it inside
 * the 50 s it has of its 60 s (infra/routes.ts, `reminder-sender`), so 10 × senders ÷ rate ≤ 50.
 */
export const maxReminderSenders = (sesMaxSendRate: number) => Math.floor(5 * sesMaxSendRate);

/** The settings from the context, or an error naming each bad one. */
export function readStackSettings(context: Record<string, unknown>): StackSettings {
  const result = stackSettingsSchema.safeParse(context);
  const most = result.success ? maxReminderSenders(result.data.sesMaxSendRate) : 0;
  if (result.success && result.data.reminderSenders > most)
    throw new Error(
      `Invalid stack settings (cdk context): reminderSenders: at most ${most} at sesMaxSendRate ${result.data.sesMaxSendRate} (each sender must send its batch of 10 within 50 s)`,
    );
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid stack settings (cdk context): ${problems.join('; ')}`);
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
  if (problems.length) throw new Error(`Invalid stack settings (cdk context): ${problems.join('; ')}`);
  return settings;
}
