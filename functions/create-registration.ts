import { httpHandler } from '#shared/http/handler';
import { createRegistrationSchema, publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** POST /registrations: a new unpaid registration owned by the caller, with its payment deadline. */
export const handler = httpHandler(
  { session: 'required', body: () => createRegistrationSchema },
  async ({ session, body, services: { registrations } }) => ({
    status: 201,
    body: publicRegistration(await registrations.create(sessionViewer(session), body)),
  }),
);
