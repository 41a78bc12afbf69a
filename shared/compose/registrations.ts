import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import type { Settings } from '#shared/platform/config';
import { registrationsTableAccess } from '#shared/data/registrations';
import { createRegistrations, type Registrations } from '#shared/registrations/registrations';
import { registrationsTable } from '#shared/data/tables';

let registrations: Registrations | undefined;

export function registrationsService(config: Settings): Registrations {
  registrations ??= createRegistrations({
    table: registrationsTableAccess(documentClient(config), tableName(config, registrationsTable)),
    clock: systemClock,
    paymentPeriodDays: config.PAYMENT_PERIOD_DAYS,
  });
  return registrations;
}

/** The registrations routes' own service (their session is the handler's: shared/http/session-handler.ts). */
export const registrationsOnly = (config: Settings) => ({ registrations: registrationsService(config) });
