import { randomBytes } from 'node:crypto';
import type { Accounts } from '#shared/auth/accounts';
import type { UserRecord } from '#shared/data/users';
import { usernameKey } from '#shared/auth/username';
import { counterKeys, type LoginThrottle } from '#shared/auth/login-throttle';
import type { TokenService } from '#shared/auth/tokens';

export type LoginOutcome<Admitted = undefined> =
  | { kind: 'ok'; user: UserRecord; deviceToken: string; admitted: Admitted }
  | { kind: 'invalid'; lockedNow: boolean; auditName: string }
  | { kind: 'throttled'; retryAfterSeconds: number; auditName: string };

/** How long a device is remembered after its last successful login. */
export const DEVICE_LIFETIME_SECONDS = 180 * 24 * 3600;

/**
 * A login attempt under the brute-force policy: refused before any password work while a counter is locked,
 * counted when it fails, and, when it succeeds, answered with a device token that lets this browser past an
 * account lock another client caused (OWASP "device cookies").
 */
export function createLogins(deps: {
  accounts: Accounts;
  throttle: LoginThrottle;
  /** Signs device tokens: sub is the lower-cased username, sid the device id; an audience of their own. */
  deviceTokens: TokenService;
  clock: () => Date;
  /** A counter that could not be settled after a successful login (logged; the login stands). */
  onUnsettled?: (error: unknown) => void;
}) {
  const { accounts, throttle, deviceTokens, clock, onUnsettled = () => undefined } = deps;
  return {
    /**
     * `admit` is what a right password leads to (a session, or a second-factor challenge): it runs beside the
     * counters' settlement, one round trip instead of two. If the settlement fails once the user is admitted,
     * the login stands: a counter left unsettled only holds one more failure until its window ends, the
     * stricter way, never the laxer.
     */
    async attempt<Admitted = undefined>(
      input: { username: string; password: string; ip: string; deviceToken?: string },
      admit: (user: UserRecord) => Promise<Admitted> = async () => undefined as Admitted,
    ): Promise<LoginOutcome<Admitted>> {
      const key = usernameKey(input.username);
      const device = input.deviceToken ? await deviceTokens.verify(input.deviceToken) : null;
      // The user is read once, at once: the password check below needs it, and so does a device token,
      // which counts only while it names the user's current credential version (not from before the last
      // password change or "log out everywhere").
      const found = accounts.findUser(input.username);
      // Handled here too, so a failed read is not an unhandled rejection while the counters are reserved.
      found.catch(() => undefined);
      const current = device?.sub === key && (device.ver ?? 0) === ((await found)?.credentialVersion ?? 0);
      const deviceId = current ? device.sid : undefined;
      const keys = counterKeys({ usernameKey: key, deviceId, ip: input.ip });

      // Without a device token the counters and the user are read in the same round trip.
      const reservation = await throttle.reserve(keys);
      // The typed name is logged only when it names an account; anything else, under a keyed hash.
      const auditName = async () => accounts.auditName(input.username, await found.catch(() => undefined));
      if (!reservation.ok)
        return {
          kind: 'throttled',
          retryAfterSeconds: reservation.retryAfterSeconds,
          auditName: await auditName(),
        };

      const user = await accounts.checkCredentials(input, found);
      if (!user)
        return {
          kind: 'invalid',
          lockedNow: await throttle.failed(reservation.reserved),
          auditName: await auditName(),
        };

      const [settled, admitted] = await Promise.allSettled([
        throttle.succeeded(reservation.reserved),
        admit(user),
      ]);
      if (admitted.status === 'rejected') throw admitted.reason;
      if (settled.status === 'rejected') onUnsettled(settled.reason);
      const expires = new Date(clock().getTime() + DEVICE_LIFETIME_SECONDS * 1000);
      const deviceToken = await deviceTokens.sign(
        {
          sub: key,
          sid: deviceId ?? randomBytes(16).toString('base64url'),
          ver: user.credentialVersion ?? 0,
        },
        expires,
      );
      return { kind: 'ok', user, deviceToken, admitted: admitted.value };
    },
  };
}

export type Logins = ReturnType<typeof createLogins>;
