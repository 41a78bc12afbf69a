import { createRateLimits, type RateLimits } from '#shared/auth/rate-limits';
import { createRecipientLimits, type RecipientLimits } from '#shared/auth/recipient-limits';
import { createRequestLimits, type RequestLimits } from '#shared/auth/request-limits';
import { mailKeySource } from '#shared/aws/secrets';
import { once } from '#shared/compose/once';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { loginAttemptsTable } from '#shared/data/tables';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';
import { recordEvent } from '#shared/platform/events';

/** Counters on the attempts table, shared by every instance of every function. */
export const rateLimits = (config: Settings): RateLimits =>
  createRateLimits({
    table: loginAttemptsTableAccess(documentClient(config), tableName(config, loginAttemptsTable)),
    clock: systemClock,
  });

let limits: RequestLimits | undefined;

/** The per-client limits of the routes that cost a hash or a mail. */
export function requestLimitsService(config: Settings): RequestLimits {
  limits ??= createRequestLimits({ limits: rateLimits(config), settings: config });
  return limits;
}

let recipients: RecipientLimits | undefined;

/** The per-recipient mail limits: the counters, and the key that names an address in them. */
export function recipientLimitsService(config: Settings): RecipientLimits {
  const key = once(mailKeySource(config));
  recipients ??= createRecipientLimits({
    limits: rateLimits(config),
    key,
    settings: config,
    onLimited: (category) => recordEvent('recipientLimited', { category }),
  });
  return recipients;
}
