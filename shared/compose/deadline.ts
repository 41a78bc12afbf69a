import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import type { Settings } from '#shared/platform/config';
import { registrationsTable } from '#shared/data/tables';
import { registrationsTableAccess } from '#shared/data/registrations';
import type { DeadlineJobDeps } from '#shared/registrations/deadline-job';
import { logger } from '#shared/platform/logger';
import { createSesClient, createSesMailer } from '#shared/aws/mailer';

/** The job's collaborators, built from the settings: DynamoDB and SES, or their emulators locally. */
export function deadlineJobDeps(config: Settings): DeadlineJobDeps {
  return {
    table: registrationsTableAccess(documentClient(config), tableName(config, registrationsTable)),
    mailer: createSesMailer({
      client: createSesClient({ endpoint: config.SES_ENDPOINT }),
      sender: config.SES_SENDER,
      maxPerSecond: config.SES_MAX_SEND_RATE,
    }),
    reminderWindowDays: config.REMINDER_WINDOW_DAYS,
    sendConcurrency: config.SES_CONCURRENCY,
    realClock: systemClock,
    // The registration id says which; the address is personal data and stays out of the log.
    onReminderError: (registration, error) =>
      logger.warn('reminder not sent', {
        registrationId: registration.id,
        error: error instanceof Error ? error.name : 'unknown',
      }),
  };
}
