import { systemClock } from '#shared/platform/clock';
import { documentClient, tableName } from '#shared/compose/dynamodb';
import type { Settings } from '#shared/platform/config';
import { service } from '#shared/compose/needs';
import { registrationsTableAccess } from '#shared/data/registrations';
import { createRegistrations, type Registrations } from '#shared/registrations/registrations';
import { registrationsTable } from '#shared/data/tables';

let registrations: Registrations | undefined;

const buildRegistrations = (config: Settings): Registrations => {
  registrations ??= createRegistrations({
    table: registrationsTableAccess(documentClient(config), tableName(config, registrationsTable)),
    clock: systemClock,
    paymentPeriodDays: config.PAYMENT_PERIOD_DAYS,
  });
  return registrations;
};

/*
 * One view of the registrations per route, each with the actions its method calls: only the route that
 * deletes a registration may delete one. Ownership is a condition in the code: IAM cannot see owners.
 */

/** GetItem: a retried put, or a replayed Idempotency-Key, reads back the registration it met. */
export const registrationCreation = /* @__PURE__ */ service(
  { tables: [{ table: registrationsTable, actions: ['PutItem', 'GetItem'] }] },
  (config): Pick<Registrations, 'create'> => buildRegistrations(config),
);

export const registrationListing = /* @__PURE__ */ service(
  {
    tables: [{ table: registrationsTable, actions: ['Query'], indexes: ['byOwner', 'byRegisteredAt'] }],
  },
  (config): Pick<Registrations, 'list'> => buildRegistrations(config),
);

export const registrationReading = /* @__PURE__ */ service(
  { tables: [{ table: registrationsTable, actions: ['GetItem'] }] },
  (config): Pick<Registrations, 'get'> => buildRegistrations(config),
);

export const registrationRemoval = /* @__PURE__ */ service(
  { tables: [{ table: registrationsTable, actions: ['DeleteItem'] }] },
  (config): Pick<Registrations, 'remove'> => buildRegistrations(config),
);

export const registrationPayment = /* @__PURE__ */ service(
  { tables: [{ table: registrationsTable, actions: ['UpdateItem', 'GetItem'] }] },
  (config): Pick<Registrations, 'pay'> => buildRegistrations(config),
);
