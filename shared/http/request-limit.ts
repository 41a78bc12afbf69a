import { LIMIT_MESSAGES, type LimitedAction, type RequestLimits } from '#shared/auth/request-limits';
import type { RequestFacts } from '#shared/http/request-parts';
import { recordEvent } from '#shared/platform/events';
import { tooManyRequests } from '#shared/platform/outcomes';

/**
 * Takes one use of the action's per-client limits before anything is created, hashed or mailed; past a
 * limit, 429 with `Retry-After`, and an audit line for the first refusal of the window only (a flood of
 * refused requests is one line, not a flood of lines).
 */
export async function withinLimit(
  limits: RequestLimits,
  action: LimitedAction,
  who: { ip: string; account?: string },
  facts: RequestFacts,
): Promise<void> {
  const outcome = await limits.take(action, who);
  if (outcome.ok) return;
  if (outcome.firstRefusal)
    recordEvent('requestsLimited', {
      action,
      retryAfterSeconds: outcome.retryAfterSeconds,
      ...(who.account ? { userId: who.account } : {}),
      ...facts,
    });
  throw tooManyRequests(outcome.retryAfterSeconds, LIMIT_MESSAGES[action]);
}
