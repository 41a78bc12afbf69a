/**
 * The brute-force policy (ASVS 5.0 V6.3.1, OWASP Authentication cheat sheet), pure:
 * - Per account: after 5 consecutive failures, attempts are refused (429) for 30 s, then 1, 2, 4, 8 minutes,
 *   capped at 15 minutes, doubling with each further failure. A success resets the count. Attempts refused
 *   during a lock are not counted, so a lock never outlasts its 15 minutes.
 * - Per device: a browser that has logged in to the account before carries a device cookie, and is counted
 *   on its own instead of on the account. An attacker hammering the account locks only the account's
 *   anonymous attempts: its owner, on a device they have used before, still gets in. This is what keeps one
 *   client from cheaply locking a user out forever.
 * - Per client IP: 100 failures within 15 minutes, over any accounts, refuse that IP until the window ends,
 *   which slows password spraying and credential stuffing.
 * API Gateway's stage throttling is the outer guard.
 */
export type CounterKind = 'account' | 'device' | 'ip';

interface CounterPolicy {
  /** Failures before the first lock. */
  threshold: number;
  /** How long failures are remembered. */
  windowSeconds: number;
  /** The lock after `failures` failures, in seconds (0: not locked). */
  lockSeconds(failures: number): number;
}

const MINUTE = 60;
const CONSECUTIVE_THRESHOLD = 5;
const FIRST_LOCK_SECONDS = 30;
export const MAX_LOCK_SECONDS = 15 * MINUTE;

const consecutive: CounterPolicy = {
  threshold: CONSECUTIVE_THRESHOLD,
  windowSeconds: 24 * 60 * MINUTE,
  lockSeconds: (failures) =>
    failures < CONSECUTIVE_THRESHOLD
      ? 0
      : Math.min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** (failures - CONSECUTIVE_THRESHOLD)),
};

export const IP_THRESHOLD = 100;
const perIp: CounterPolicy = {
  threshold: IP_THRESHOLD,
  windowSeconds: 15 * MINUTE,
  // Until the window that counted them ends: the caller caps the lock at the counter's expiry.
  lockSeconds: (failures) => (failures < IP_THRESHOLD ? 0 : 15 * MINUTE),
};

export const POLICIES: Record<CounterKind, CounterPolicy> = {
  account: consecutive,
  device: consecutive,
  ip: perIp,
};
