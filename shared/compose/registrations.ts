import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import type { Settings } from '#shared/platform/config';
import { registrationsTableAccess } from '#shared/data/registrations';
import { createRegistrations, type Registrations } from '#shared/registrations/registrations';
import { registrationsTable } from '#shared/data/tables';
import { sessionsService } from '#shared/compose/sessions';

let registrations: Registrations | undefined;

export function registrationsService(config: Settings): Registrations {
  registrations ??= createRegistrations({
    table: registrationsTableAccess(documentClient(config), tableName(config, registrationsTable)),
    clock: systemClock,
    paymentPeriodDays: config.PAYMENT_PERIOD_DAYS,
  });
  return registrations;
}

/** The registrations routes: a signed-in caller and the registrations. */
export const sessionAndRegistrations = (config: Settings) => ({
  sessions: sessionsService(config),
  registrations: registrationsService(config),
});
