import { createHmac } from 'node:crypto';
import { HOUR_SECONDS, type RateLimits } from '#shared/auth/rate-limits';

/**
 * Per-recipient limits on mail (security round 3, finding 4): however many accounts and client addresses
 * name one address, it is sent at most so many verification links, so many reset links, and so many security
 * notices in an hour. Past a limit the request answers as it would have and nothing more is sent: a mail inbox
 * (and the stack's SES reputation) cannot be flooded through signups, address changes or resets.
 *
 * The counter is named by an HMAC of the address under a key of its own (Secrets Manager), never the
 * address: the counters table holds no address, nor a hash a dictionary of addresses could reverse.
 */
/** Verification and reset links count apart: a flood of one kind cannot hold back the owner's reset. */
export type MailCategory = 'verification' | 'reset' | 'notice';

export interface RecipientLimitSettings {
  LINK_MAILS_PER_ADDRESS_HOUR: number;
  NOTICES_PER_ADDRESS_HOUR: number;
}

export function createRecipientLimits(deps: {
  limits: RateLimits;
  /** Loaded on first use (Secrets Manager, once per container). */
  key: () => Promise<string>;
  settings: RecipientLimitSettings;
  /** Called on the first refusal of a window only: one audit line per window, not one per mail. */
  onLimited?: (category: MailCategory) => void;
}) {
  const limitOf: Record<MailCategory, number> = {
    verification: deps.settings.LINK_MAILS_PER_ADDRESS_HOUR,
    reset: deps.settings.LINK_MAILS_PER_ADDRESS_HOUR,
    notice: deps.settings.NOTICES_PER_ADDRESS_HOUR,
  };
  return {
    /** Takes one mail of the address's hour for this category; false when its limit is reached. */
    async allow(category: MailCategory, address: string): Promise<boolean> {
      const name = createHmac('sha256', await deps.key())
        .update(address.trim().toLowerCase())
        .digest('base64url');
      const outcome = await deps.limits.take([
        { key: `recipient#${category}#${name}`, limit: limitOf[category], windowSeconds: HOUR_SECONDS },
      ]);
      if (!outcome.ok && outcome.firstRefusal) deps.onLimited?.(category);
      return outcome.ok;
    },
  };
}

export type RecipientLimits = ReturnType<typeof createRecipientLimits>;
