import { z } from 'zod';

/**
 * Every setting the functions read, validated once per container. A bad or missing setting fails the
 * cold start with a message naming it, instead of failing some later request in a confusing way.
 * The README's settings table lists exactly these.
 */
const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(60).max(max).default(fallback);

const settingsSchema = z
  .object({
    STAGE: z.enum(['local', 'dev', 'prod']).default('local'),
    USERS_TABLE: z.string().min(1),
    SESSIONS_TABLE: z.string().min(1),
    DYNAMODB_ENDPOINT: z.url().optional(),
    TOKEN_ISSUER: z.string().min(1).default('pistus'),
    TOKEN_AUDIENCE: z.string().min(1).default('pistus-api'),
    SESSION_TTL_SECONDS: seconds(12 * 3600, 30 * 24 * 3600),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8).max(256).default(8),
    COOKIE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .default('__Host-session'),
    COOKIE_SAME_SITE: z.enum(['Strict', 'Lax', 'None']).default('Lax'),
    ALLOWED_ORIGINS: commaList.pipe(z.array(z.url())).default([]),
    /** On AWS: the Secrets Manager secret holding the JWT signing keys. */
    SIGNING_SECRET_ARN: z.string().min(1).optional(),
    /** Locally: the same JSON document, given directly. */
    SIGNING_KEYS: z.string().min(1).optional(),
    /** On AWS: the Secrets Manager secret holding the password pepper. */
    PEPPER_SECRET_ARN: z.string().min(1).optional(),
    /** Locally: the pepper itself. */
    PASSWORD_PEPPER: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
  })
  .superRefine((settings, ctx) => {
    if (!settings.SIGNING_SECRET_ARN === !settings.SIGNING_KEYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SIGNING_SECRET_ARN'],
        message: 'set exactly one of SIGNING_SECRET_ARN (AWS) or SIGNING_KEYS (local)',
      });
    }
    // Only the functions that hash passwords get a pepper, so it may be absent; never both.
    if (settings.PEPPER_SECRET_ARN && settings.PASSWORD_PEPPER) {
      ctx.addIssue({
        code: 'custom',
        path: ['PEPPER_SECRET_ARN'],
        message: 'set only one of PEPPER_SECRET_ARN (AWS) or PASSWORD_PEPPER (local)',
      });
    }
    // OWASP Password Storage: bcrypt work factor 10 or more. Tests may go lower, deployments never.
    if (settings.STAGE !== 'local' && settings.BCRYPT_COST < 10) {
      ctx.addIssue({ code: 'custom', path: ['BCRYPT_COST'], message: 'must be at least 10 outside local' });
    }
  });

export type Settings = z.infer<typeof settingsSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
  const result = settingsSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(settings)'}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

let cached: Settings | undefined;

/** The settings of this container, read from the environment on first use. */
export function settings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
