import { recordEvent } from '#shared/platform/events';
import { registrationsOnly } from '#shared/compose/registrations';
import { sessionHandler } from '#shared/http/session-handler';
import {
  createRegistrationSchema,
  idempotencyKeyOf,
  publicRegistration,
} from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/**
 * POST /registrations: a new unpaid registration owned by the caller, with its payment deadline. With an
 * `Idempotency-Key`, a retry gets the first answer and creates nothing twice.
 */
export const handler = sessionHandler(
  {
    session: 'required',
    compose: registrationsOnly,
    body: () => createRegistrationSchema,
  },
  async ({ session, body, event, facts, services: { registrations } }) => {
    const idempotencyKey = idempotencyKeyOf(event.headers['idempotency-key']);
    const { registration, replayed } = await registrations.create(sessionViewer(session), body, {
      idempotencyKey,
    });
    if (!replayed)
      recordEvent('registrationCreated', {
        userId: session.userId,
        registrationId: registration.id,
        ...facts,
      });
    return {
      status: 201,
      body: publicRegistration(registration),
      ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  },
);
