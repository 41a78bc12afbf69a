import { createRateLimits, type RateLimits } from '#shared/auth/rate-limits';
import { createRecipientLimits, type RecipientLimits } from '#shared/auth/recipient-limits';
import { createRequestLimits, type RequestLimits } from '#shared/auth/request-limits';
import { mailKeySource } from '#shared/aws/secrets';
import { type TableGrant, service } from '#shared/compose/needs';
import { once } from '#shared/compose/once';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { loginAttemptsTableAccess } from '#shared/data/login-attempts';
import { loginAttemptsTable } from '#shared/data/tables';
import { systemClock } from '#shared/platform/clock';
import type { Settings } from '#shared/platform/config';
import { recordEvent } from '#shared/platform/events';

/** Counting what a client or an account asks (a conditional update, read back when refused). */
export const counting: TableGrant = { table: loginAttemptsTable, actions: ['UpdateItem', 'GetItem'] };

/**
 * Every code or password checked counts on the brute-force counters (reserved, then settled or locked).
 * Here rather than beside the logins: the TOTP routes count codes too, and must not bundle bcrypt.
 */
export const bruteForceCounters: TableGrant = {
  table: loginAttemptsTable,
  actions: ['GetItem', 'UpdateItem', 'DeleteItem'],
};

/** Counters on the attempts table, shared by every instance of every function. */
export const rateLimits = (config: Settings): RateLimits =>
  createRateLimits({
    table: loginAttemptsTableAccess(documentClient(config), tableName(config, loginAttemptsTable)),
    clock: systemClock,
  });

let limits: RequestLimits | undefined;

/** The per-client limits of the routes that cost a hash or a mail. */
export const requestLimitsService = /* @__PURE__ */ service(
  { tables: [counting] },
  (config): RequestLimits => {
    limits ??= createRequestLimits({ limits: rateLimits(config), settings: config });
    return limits;
  },
);

let recipients: RecipientLimits | undefined;

/** The per-recipient mail limits: the counters, and the key that names an address in them. */
export const recipientLimitsService = /* @__PURE__ */ service(
  { tables: [counting], secrets: ['mail-key'] },
  (config): RecipientLimits => {
    const key = once(mailKeySource(config));
    recipients ??= createRecipientLimits({
      limits: rateLimits(config),
      key,
      settings: config,
      onLimited: (category) => recordEvent('recipientLimited', { category }),
    });
    return recipients;
  },
);
