import { epochSeconds, type Clock } from '#shared/platform/clock';
import type { LoginAttemptsTable } from '#shared/data/login-attempts';
import { type CounterKind, POLICIES } from '#shared/auth/login-throttle-policy';

export interface CounterKey {
  kind: CounterKind;
  key: string;
}

/** The counters one login attempt is judged by: its device (else its account), and its client IP. */
export function counterKeys(attempt: { usernameKey: string; deviceId?: string; ip: string }): CounterKey[] {
  const who: CounterKey = attempt.deviceId
    ? { kind: 'device', key: `device#${attempt.deviceId}` }
    : { kind: 'account', key: `account#${attempt.usernameKey}` };
  return [who, { kind: 'ip', key: `ip#${attempt.ip}` }];
}

export function createLoginThrottle(deps: { table: LoginAttemptsTable; clock: Clock }) {
  const { table, clock } = deps;
  return {
    /** Seconds until an attempt is allowed, when one of its counters is locked; undefined when it may go on. */
    async retryAfter(keys: readonly CounterKey[]): Promise<number | undefined> {
      const now = epochSeconds(clock());
      const counters = await table.findCounters(
        keys.map((k) => k.key),
        now,
      );
      const lockedUntil = Math.max(0, ...counters.map((c) => c.lockedUntil ?? 0));
      return lockedUntil > now ? lockedUntil - now : undefined;
    },

    /** Counts a failure on each counter and locks the ones past their threshold; true when the account or device just locked. */
    async recordFailure(keys: readonly CounterKey[]): Promise<boolean> {
      const now = epochSeconds(clock());
      const locked = await Promise.all(
        keys.map(async ({ kind, key }) => {
          const policy = POLICIES[kind];
          const counter = await table.addFailure(key, now, policy.windowSeconds);
          const seconds = policy.lockSeconds(counter.failures);
          if (seconds === 0) return false;
          await table.lock(key, Math.min(now + seconds, counter.expiresAt));
          return kind !== 'ip';
        }),
      );
      return locked.some(Boolean);
    },

    /** A success clears the account's or device's consecutive failures; the IP's window runs on. */
    async recordSuccess(keys: readonly CounterKey[]): Promise<void> {
      await Promise.all(keys.filter((k) => k.kind !== 'ip').map((k) => table.reset(k.key)));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
