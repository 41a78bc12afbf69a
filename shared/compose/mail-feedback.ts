import { service } from '#shared/compose/needs';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import { suppressionsTable } from '#shared/data/tables';
import { createMailFeedback, type MailFeedback } from '#shared/registrations/mail-feedback';

/** The suppression list, as SES's bounce and complaint reports keep it. */
export const mailFeedbackService = /* @__PURE__ */ service(
  { tables: [{ table: suppressionsTable, actions: ['PutItem'] }] },
  (config): MailFeedback =>
    createMailFeedback({
      suppressions: suppressionsTableAccess(documentClient(config), tableName(config, suppressionsTable)),
    }),
);
