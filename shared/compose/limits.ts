import { createRateLimits, type RateLimits } from '#shared/auth/rate-limits';
import { createRequestLimits, type RequestLimits } from '#shared/auth/request-limits';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { loginAttemptsTable } from '#shared/data/tables';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';

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
