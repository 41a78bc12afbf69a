import type { Context, SNSEvent } from 'aws-lambda';
import { mailFeedbackService } from '#shared/compose/mail-feedback';
import { settings } from '#shared/platform/config';
import { recordEvent } from '#shared/platform/events';
import { logger, metrics } from '#shared/platform/logger';

const feedback = mailFeedbackService(settings());

/**
 * SES's bounce and complaint reports, as its configuration set publishes them to SNS: each address that
 * bounced permanently or complained is suppressed, so the deadline job never mails it again. A message that
 * is not such a report is logged and dropped (retrying it cannot help); a failed write fails the
 * invocation, and SNS delivers the message again.
 */
export async function handler(event: SNSEvent, context: Context) {
  logger.addContext(context);
  for (const record of event.Records) {
    const suppressed = await feedback.record(record.Sns.Message);
    if (suppressed === null) {
      logger.warn('not an SES bounce or complaint report', { messageId: record.Sns.MessageId });
      continue;
    }
    // The reason and SES's feedback id, not the address: it is personal data and stays out of the log.
    for (const { reason, feedbackId } of suppressed) recordEvent('addressSuppressed', { reason, feedbackId });
  }
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
