import type { Context } from 'aws-lambda';
import { accountDeletionService } from '#shared/compose/account-lifecycle';
import { settings } from '#shared/platform/config';
import { recordEvent } from '#shared/platform/events';
import { logger, metrics } from '#shared/platform/logger';

const deletion = accountDeletionService(settings());

/**
 * The daily run that finishes account deletions whose clean-up was cut off (the request that deleted the
 * account ended it in one write; its sessions, passkeys, identities, registrations, address and name are
 * cleaned up here if the request could not finish). A failure fails the invocation, so EventBridge retries
 * it and then its dead-letter queue (and alarm) sees it; the next day's run tries again too.
 */
export async function handler(_event: unknown, context: Context) {
  logger.addContext(context);
  const summary = await deletion.finishPending();
  logger.info('account clean-up finished', { ...summary });
  recordEvent('accountCleanupFinished', {}, summary.freed);
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  if (summary.failed > 0) throw new Error(`account clean-up left ${summary.failed} accounts to finish`);
  return summary;
}
