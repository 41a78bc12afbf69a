import { recordEvent, requestFacts } from '#shared/events';
import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { createRegistrationSchema, publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** POST /registrations: a new unpaid registration owned by the caller, with its payment deadline. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: sessionAndRegistrations,
    body: () => createRegistrationSchema,
  },
  async ({ session, body, event, services: { registrations } }) => {
    const registration = await registrations.create(sessionViewer(session), body);
    recordEvent('registrationCreated', {
      userId: session.userId,
      registrationId: registration.id,
      ...requestFacts(event),
    });
    return { status: 201, body: publicRegistration(registration) };
  },
);
