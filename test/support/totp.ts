import { Secret, TOTP } from 'otpauth';

/**
 * The codes an authenticator app would show for a secret, computed by the tests themselves (RFC 6238 with
 * otpauth, as apps do). `steps` moves from the current 30-second step: -1 the one before, +1 the next.
 * Each code is accepted once, so a test that needs several takes them from different steps.
 */
export function authenticator(base32: string) {
  const totp = new TOTP({ secret: Secret.fromBase32(base32), period: 30 });
  return {
    code: (steps = 0, now = Date.now()) => totp.generate({ timestamp: now + steps * 30_000 }),
  };
}

/** Waits out the end of a step, so codes computed now are still the same steps when the server checks. */
export async function awayFromStepEdge(): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 3000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}
