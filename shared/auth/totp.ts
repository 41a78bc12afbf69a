import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { LoginThrottle } from '#shared/auth/login-throttle';
import type { SecretBox } from '#shared/auth/secret-box';
import { usernameKey } from '#shared/auth/username';
import type { UserRecord, UsersTable } from '#shared/data/users';
import { conflict, invalid, notFound } from '#shared/platform/outcomes';

/**
 * TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, what every authenticator app reads)
 * with recovery codes (OWASP Multifactor Authentication Cheat Sheet). The secret is 160 random bits, sealed
 * with AES-256-GCM at rest; a code is accepted one step either side of now, once only (the step it matched
 * is recorded with a conditional write); every code checked goes through the brute-force counters, so six
 * digits cannot be guessed. Recovery codes are 10 random 60-bit codes, shown once, stored as SHA-256 digests
 * (their entropy makes a slow hash unnecessary), each usable once.
 */
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Pistus';
const PERIOD_SECONDS = 30;

export type FactorProof = { code: string } | { recoveryCode: string };
export type ProofOutcome =
  { kind: 'ok' } | { kind: 'invalid' } | { kind: 'throttled'; retryAfterSeconds: number };

export const invalidCode = () =>
  invalid({ code: 'is not a current code of your authenticator' }, 'invalid_code');
export const mfaAlreadyOn = () => conflict('mfa_already_enabled', 'Two-factor authentication is already on.');
export const mfaOff = () => conflict('mfa_not_enabled', 'Two-factor authentication is not on.');

const hasTotp = (user: UserRecord): user is UserRecord & { totpSecret: string } => !!user.totpSecret;

/** A recovery code as people read it: 12 characters of an unambiguous alphabet, in groups of four. */
function newRecoveryCode(random: (size: number) => Buffer): string {
  const alphabet = '23456789abcdefghjkmnpqrstuvwxyz';
  const chars = [...random(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}
/** Typed with or without dashes and spaces, in any case. */
const digestOf = (code: string) =>
  createHash('sha256')
    .update(code.toLowerCase().replace(/[^0-9a-z]/g, ''))
    .digest('base64url');

export function createTotp(deps: {
  users: UsersTable;
  /** Loaded on first use: the key is read from Secrets Manager once per container. */
  box: () => Promise<SecretBox>;
  /** Built on first use: only the routes that check a code count attempts. */
  throttle: () => LoginThrottle;
  clock: () => Date;
  random?: (size: number) => Buffer;
}) {
  const { users, clock, random = randomBytes } = deps;
  const totpOf = (secret: string, username: string) =>
    new TOTP({ issuer: ISSUER, label: username, secret: Secret.fromBase32(secret), period: PERIOD_SECONDS });
  const account = async (username: string) => {
    const user = await users.findUserByUsername(username);
    if (!user) throw notFound();
    return user;
  };
  const recoveryCodes = () => Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode(random));

  /** The step a code matches, one step of clock skew either way; undefined when it matches none. */
  function matchingStep(secret: string, username: string, code: string): number | undefined {
    if (!/^\d{6}$/.test(code)) return undefined;
    const totp = totpOf(secret, username);
    const timestamp = clock().getTime();
    const delta = totp.validate({ token: code, timestamp, window: 1 });
    return delta === null ? undefined : totp.counter({ timestamp }) + delta;
  }

  /** A code of the account's secret whose step was not used yet, now used. */
  async function useCode(user: UserRecord & { totpSecret: string }, code: string): Promise<boolean> {
    const step = matchingStep((await deps.box()).open(user.totpSecret), user.username, code);
    return step !== undefined && users.useTotpStep(user.username, step);
  }

  /** Checks a proof against the account's factor: counted as a login attempt is, and each usable once. */
  async function prove(user: UserRecord, proof: FactorProof, ip: string): Promise<ProofOutcome> {
    if (!hasTotp(user)) return { kind: 'invalid' };
    const throttle = deps.throttle();
    const reservation = await throttle.reserve([
      { kind: 'account', key: `mfa#${usernameKey(user.username)}` },
      { kind: 'ip', key: `ip#${ip}` },
    ]);
    if (!reservation.ok) return { kind: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
    const ok =
      'code' in proof
        ? await useCode(user, proof.code)
        : await users.useRecoveryCode(user.username, digestOf(proof.recoveryCode));
    if (!ok) {
      await throttle.failed(reservation.reserved);
      return { kind: 'invalid' };
    }
    await throttle.succeeded(reservation.reserved);
    return { kind: 'ok' };
  }

  return {
    prove,
    /** A proof checked for the account by its username (step-up): `invalid` when it has no second factor. */
    async proveFor(username: string, proof: FactorProof, ip: string): Promise<ProofOutcome> {
      return prove(await account(username), proof, ip);
    },
    /** A new secret offered to the user (nothing enforced until confirmed), and the URI apps read. */
    async offer(username: string): Promise<{ secret: string; otpauthUri: string }> {
      const user = await account(username);
      if (user.totpSecret) throw mfaAlreadyOn();
      const secret = new Secret({ size: 20 }).base32;
      await users.offerTotp(user.username, (await deps.box()).seal(secret));
      return { secret, otpauthUri: totpOf(secret, user.username).toString() };
    },
    /**
     * Turns TOTP on with a code of the offered secret, and answers the recovery codes (shown this once). The
     * account's other sessions end in the same write: whoever else was signed in passed no second factor.
     */
    async confirm(username: string, code: string, keepSid: string): Promise<{ recoveryCodes: string[] }> {
      const user = await account(username);
      if (user.totpSecret) throw mfaAlreadyOn();
      if (!user.totpPending) throw mfaOff();
      const step = matchingStep((await deps.box()).open(user.totpPending), user.username, code);
      if (step === undefined) throw invalidCode();
      const codes = recoveryCodes();
      const enabled = await users.enableTotp(user.username, {
        pending: user.totpPending,
        step,
        recoveryCodes: codes.map(digestOf),
        keepSid,
      });
      if (!enabled) throw invalidCode();
      return { recoveryCodes: codes };
    },
    /** New recovery codes for a current code; the old ones stop working. */
    async renewRecoveryCodes(username: string, code: string, ip: string) {
      const user = await account(username);
      if (!user.totpSecret) throw mfaOff();
      const outcome = await prove(user, { code }, ip);
      if (outcome.kind !== 'ok') return outcome;
      const codes = recoveryCodes();
      await users.replaceRecoveryCodes(user.username, codes.map(digestOf));
      return { kind: 'ok' as const, recoveryCodes: codes };
    },
    /** Turns TOTP off for a current code. */
    async disable(username: string, code: string, ip: string): Promise<ProofOutcome> {
      const user = await account(username);
      if (!user.totpSecret) throw mfaOff();
      const outcome = await prove(user, { code }, ip);
      if (outcome.kind === 'ok') await users.disableTotp(user.username);
      return outcome;
    },
  };
}

export type Totp = ReturnType<typeof createTotp>;
