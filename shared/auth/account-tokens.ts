import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { type Clock, epochSeconds } from '#shared/platform/clock';
import { invalid } from '#shared/platform/outcomes';
import type { AccountTokenKind, AccountTokenRecord, AccountTokensTable } from '#shared/data/account-tokens';
import { usernameKey } from '#shared/auth/username';

/**
 * The tokens that account mails carry (OWASP Forgot Password Cheat Sheet): 256 random bits, URL-safe,
 * prefixed with the account's id so the one item of that account and kind is found in one read; only their
 * SHA-256 is stored, compared in constant time, checked for expiry on read (TTL deletes lazily) and
 * consumed by a conditional delete, so each works once.
 */
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** The body field a link's token arrives in: a string of the token's shape, or `invalid_token`. */
export const tokenSchema = z.string({ error: 'must be a string' }).check(z.maxLength(200, 'is too long'));

export const invalidToken = () => invalid({ token: 'is invalid, expired or already used' }, 'invalid_token');

const digestOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const uuidToBytes = (uuid: string) => Buffer.from(uuid.replace(/-/g, ''), 'hex');
const bytesToUuid = (bytes: Buffer) =>
  bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

export interface AccountTokens {
  /** A new token of this kind for the account and address, replacing the one before; the token itself. */
  issue(
    kind: AccountTokenKind,
    user: { id: string; username: string; emailVersion?: number },
    email: string,
    ttlSeconds: number,
  ): Promise<string>;
  /** The stored token this one is, if it is of this kind, well-formed, current and not used yet. */
  check(kind: AccountTokenKind, token: string): Promise<AccountTokenRecord | undefined>;
  /** Uses the token: true for exactly one caller. */
  consume(record: AccountTokenRecord): Promise<boolean>;
  /** Gives a used token back when what it was used for could not be done (unless a newer one exists). */
  restore(record: AccountTokenRecord): Promise<void>;
}

export function createAccountTokens(deps: {
  table: AccountTokensTable;
  clock: Clock;
  random?: (bytes: number) => Buffer;
}): AccountTokens {
  const { table, clock, random = randomBytes } = deps;
  return {
    async issue(kind, user, email, ttlSeconds) {
      const token = `${uuidToBytes(user.id).toString('base64url')}.${random(32).toString('base64url')}`;
      const now = clock();
      await table.putToken({
        kind,
        userId: user.id,
        usernameKey: usernameKey(user.username),
        email,
        // A reset link is bound to the address as it is now: any later change of it voids the link.
        ...(kind === 'reset' ? { emailVersion: user.emailVersion ?? 0 } : {}),
        digest: digestOf(token),
        createdAt: now.toISOString(),
        expiresAt: epochSeconds(now) + ttlSeconds,
      });
      return token;
    },
    async check(kind, token) {
      const match = TOKEN_PATTERN.exec(token);
      if (!match) return undefined;
      const userId = bytesToUuid(Buffer.from(match[1] as string, 'base64url'));
      const stored = await table.findToken(kind, userId);
      if (!stored || stored.expiresAt <= epochSeconds(clock())) return undefined;
      const [given, kept] = [Buffer.from(digestOf(token)), Buffer.from(stored.digest)];
      return given.length === kept.length && timingSafeEqual(given, kept) ? stored : undefined;
    },
    consume: (record) => table.consumeToken(record.kind, record.userId, record.digest),
    restore: (record) => table.restoreToken(record),
  };
}
