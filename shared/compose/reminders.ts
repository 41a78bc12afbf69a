import { service } from '#shared/compose/needs';
import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import { registrationsTable } from '#shared/data/tables';
import { registrationsTableAccess } from '#shared/data/registrations';
import type { ReminderSenderDeps } from '#shared/registrations/reminder-sender';
import { logger } from '#shared/platform/logger';
import { sesMailer } from '#shared/compose/mail';

/**
 * The sender's collaborators: the registrations table (UpdateItem: claim, reading the registration in the
 * same write, record, release; GetItem: why a claim was refused, and whether a claim retried after a lost
 * answer is this delivery's own) and SES, at this sender's share of the SES rate.
 */
export const reminderSenderDeps = /* @__PURE__ */ service(
  {
    tables: [{ table: registrationsTable, actions: ['UpdateItem', 'GetItem'] }],
    sendsEmail: true,
  },
  (config): ReminderSenderDeps => ({
    table: registrationsTableAccess(documentClient(config), tableName(config, registrationsTable)),
    mailer: sesMailer(config, { shareOf: config.REMINDER_SENDERS }),
    sendConcurrency: config.SES_CONCURRENCY,
    realClock: systemClock,
    // The registration id says which; the address is personal data and stays out of the log.
    onReminderError: (registration, error, step) =>
      logger.warn('reminder not sent', {
        registrationId: registration.id,
        step,
        error: error instanceof Error ? error.name : 'unknown',
      }),
  }),
);
