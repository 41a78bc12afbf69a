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

export interface Reserved extends CounterKey {
  /** The counter's failures with this attempt counted. */
  failures: number;
  expiresAt: number;
}

export type ReserveOutcome = { ok: true; reserved: Reserved[] } | { ok: false; retryAfterSeconds: number };

/**
 * The brute-force counters, reserved before the password is checked: each attempt counts as a failure
 * before bcrypt runs, in one conditional write per counter, so however many guesses arrive at once, no more
 * are checked than the policy allows (ASVS 5.0 V6.3.1). The outcome then settles the reservation.
 */
export function createLoginThrottle(deps: { table: LoginAttemptsTable; clock: Clock }) {
  const { table, clock } = deps;
  return {
    /**
     * Reserves the attempt on every counter at once (one round trip), or on none: refused (with when to
     * retry) if one of them refuses, and what the others reserved is given back.
     */
    async reserve(keys: readonly CounterKey[]): Promise<ReserveOutcome> {
      const now = epochSeconds(clock());
      const results = await Promise.allSettled(
        keys.map((key) =>
          table.reserve(key.key, now, POLICIES[key.kind].threshold, POLICIES[key.kind].windowSeconds),
        ),
      );
      const reserved: Reserved[] = [];
      results.forEach((result, i) => {
        const key = keys[i] as CounterKey;
        if (result.status === 'fulfilled' && result.value.reserved)
          reserved.push({ ...key, failures: result.value.failures, expiresAt: result.value.expiresAt });
      });
      if (reserved.length === keys.length) return { ok: true, reserved };
      await Promise.all(reserved.map((taken) => table.release(taken.key)));
      // A counter that could not be read fails the attempt closed: an error, never a password check.
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      // Locked: until the lock ends. Another attempt still unsettled past the threshold: a moment.
      const lockedUntil = Math.max(
        0,
        ...results.map((result) =>
          result.status === 'fulfilled' && !result.value.reserved
            ? (result.value.counter?.lockedUntil ?? 0)
            : 0,
        ),
      );
      return { ok: false, retryAfterSeconds: Math.max(1, lockedUntil - now) };
    },

    /** The attempt failed: its reservations stay counted, and the counters past their threshold lock. True when the account or device just locked. */
    async failed(reserved: readonly Reserved[]): Promise<boolean> {
      const now = epochSeconds(clock());
      const locked = await Promise.all(
        reserved.map(async ({ kind, key, failures, expiresAt }) => {
          const seconds = POLICIES[kind].lockSeconds(failures);
          if (seconds === 0) return false;
          await table.lock(key, Math.min(now + seconds, expiresAt), failures);
          return kind !== 'ip';
        }),
      );
      return locked.some(Boolean);
    },

    /** The attempt succeeded: the account's or device's consecutive failures are cleared; the IP gives its reservation back. */
    async succeeded(reserved: readonly Reserved[]): Promise<void> {
      await Promise.all(reserved.map((r) => (r.kind === 'ip' ? table.release(r.key) : table.reset(r.key))));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
