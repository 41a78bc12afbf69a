import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import type { Settings } from '#shared/platform/config';
import { registrationsTable, suppressionsTable } from '#shared/data/tables';
import { registrationsTableAccess } from '#shared/data/registrations';
import { suppressionsTableAccess } from '#shared/data/suppressions';
import type { DeadlineJobDeps } from '#shared/registrations/deadline-job';
import { logger } from '#shared/platform/logger';
import { sesMailer } from '#shared/compose/mail';

/** The job's collaborators, built from the settings: DynamoDB and SES, or their emulators locally. */
export function deadlineJobDeps(config: Settings): DeadlineJobDeps {
  const db = documentClient(config);
  return {
    table: registrationsTableAccess(db, tableName(config, registrationsTable)),
    suppressions: suppressionsTableAccess(db, tableName(config, suppressionsTable)),
    mailer: sesMailer(config),
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
