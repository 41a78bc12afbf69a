import { type Clock, epochSeconds } from '#shared/platform/clock';
import type { LoginAttemptsTable } from '#shared/data/login-attempts';

/** At most `limit` uses of `key` in a fixed window of `windowSeconds`, counted across every instance. */
export interface RateLimit {
  key: string;
  limit: number;
  windowSeconds: number;
}

export type TakeOutcome =
  | { ok: true }
  | {
      ok: false;
      retryAfterSeconds: number;
      /** The limit that refused, and whether this is its first refusal in the window (report it once). */
      refusedBy: string;
      firstRefusal: boolean;
    };

/**
 * Per-account and per-address limits on what costs mail, on the attempt counters the logins use: one
 * conditional write per counter takes a use, so however many requests arrive at once, no more than the
 * limit get through. A failed write throws: a counter that cannot be read does not let requests through.
 */
export function createRateLimits(deps: { table: LoginAttemptsTable; clock: Clock }) {
  const { table, clock } = deps;
  return {
    /** Takes one use of every limit, or of none: the first one used up refuses, with when it frees. */
    async take(limits: readonly RateLimit[]): Promise<TakeOutcome> {
      const now = epochSeconds(clock());
      const taken: string[] = [];
      for (const { key, limit, windowSeconds } of limits) {
        const result = await table.reserve(key, now, limit, windowSeconds);
        if (!result.reserved) {
          const [firstRefusal] = await Promise.all([
            table.noteRefusal(key),
            ...taken.map((done) => table.release(done)),
          ]);
          return {
            ok: false,
            retryAfterSeconds: Math.max(1, (result.counter?.expiresAt ?? now) - now),
            refusedBy: key,
            firstRefusal: firstRefusal === true,
          };
        }
        taken.push(key);
      }
      return { ok: true };
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

export const HOUR_SECONDS = 3600;
