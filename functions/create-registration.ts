import { recordEvent } from '#shared/platform/events';
import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { createRegistrationSchema, publicRegistration } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/** POST /registrations: a new unpaid registration owned by the caller, with its payment deadline. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: sessionAndRegistrations,
    body: () => createRegistrationSchema,
  },
  async ({ session, body, facts, services: { registrations } }) => {
    const registration = await registrations.create(sessionViewer(session), body);
    recordEvent('registrationCreated', {
      userId: session.userId,
      registrationId: registration.id,
      ...facts,
    });
    return { status: 201, body: publicRegistration(registration) };
  },
);
