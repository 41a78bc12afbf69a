import { recordEvent } from '#shared/platform/events';
import { registrationCreation } from '#shared/compose/registrations';
import {
  createRegistrationSchema,
  idempotencyKeyOf,
  publicRegistration,
} from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/**
 * POST /registrations: a new unpaid registration owned by the caller, with its payment deadline. With an
 * `Idempotency-Key`, a retry gets the first answer and creates nothing twice.
 */
export const handler = sessionRoute(
  {
    routes: ['POST /registrations'],
    doc: {
      summary: 'Register for an activity',
      tag: 'Registrations',
      idempotencyKey: true,
      responses: {
        201: {
          description: 'The new unpaid registration (or, replayed, the one the key made).',
          body: answers.registration,
        },
        400: docs.error('Invalid input or `Idempotency-Key` (`invalid_input`).'),
        422: docs.error('The key was used for another request (`idempotency_key_reused`).'),
      },
    },
    session: 'required',
    services: { registrations: registrationCreation },
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
