import { registrationsOnly } from '#shared/compose/registrations';
import { sessionHandler } from '#shared/http/session-handler';
import { publicRegistration, registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/** GET /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = sessionHandler(
  {
    session: 'required',
    path: registrationPathSchema,
    compose: registrationsOnly,
  },
  async ({ session, path, services: { registrations } }) => ({
    status: 200,
    body: publicRegistration(await registrations.get(sessionViewer(session), path.id)),
  }),
);
