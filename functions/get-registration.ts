import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** GET /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: sessionAndRegistrations,
  },
  async ({ session, event, services: { registrations } }) => ({
    status: 200,
    body: publicRegistration(await registrations.get(sessionViewer(session), event.pathParameters?.id ?? '')),
  }),
);
