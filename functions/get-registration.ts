import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { publicRegistration, registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/** GET /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = httpHandler(
  {
    session: 'required',
    path: registrationPathSchema,
    compose: sessionAndRegistrations,
  },
  async ({ session, path, services: { registrations } }) => ({
    status: 200,
    body: publicRegistration(await registrations.get(sessionViewer(session), path.id)),
  }),
);
