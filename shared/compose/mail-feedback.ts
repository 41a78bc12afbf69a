import { documentClient, tableName } from '#shared/compose/dynamodb';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { suppressionsTable } from '#shared/data/tables';
import type { Settings } from '#shared/platform/config';
import { createMailFeedback, type MailFeedback } from '#shared/registrations/mail-feedback';

/** The suppression list, as SES's bounce and complaint reports keep it. */
export function mailFeedbackService(config: Settings): MailFeedback {
  return createMailFeedback({
    suppressions: suppressionsTableAccess(documentClient(config), tableName(config, suppressionsTable)),
  });
}
