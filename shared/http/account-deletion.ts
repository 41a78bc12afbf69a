import type { AccountDeletion } from '#shared/auth/account-deletion';
import { type EventFields, type EventName, recordEvent } from '#shared/platform/events';
import { logger } from '#shared/platform/logger';

/**
 * The audit line of a deletion, and a warning when its clean-up was cut off: the account has ended either
 * way (the answer is 204), and the next daily run finishes the clean-up.
 */
export function recordAccountDeletion(
  name: EventName,
  deleted: Awaited<ReturnType<AccountDeletion['delete']>>,
  fields: EventFields,
): void {
  recordEvent(name, { ...fields, targetId: deleted.ended.id, cleanedUp: deleted.cleanedUp });
  if (!deleted.cleanedUp) {
    recordEvent('accountCleanupDeferred', { targetId: deleted.ended.id });
    logger.warn('account clean-up cut off; the next daily run finishes it', {
      targetId: deleted.ended.id,
      error: deleted.error instanceof Error ? deleted.error.name : 'Error',
    });
  }
}
