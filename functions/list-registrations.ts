import { registrationsOnly } from '#shared/compose/registrations';
import { sessionHandler } from '#shared/http/session-handler';
import { listQuerySchema, publicRegistration } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/** GET /registrations?limit=&cursor=: the caller's own (an admin's: all), newest first. */
export const handler = sessionHandler(
  {
    session: 'required',
    query: listQuerySchema,
    compose: registrationsOnly,
  },
  async ({ session, query, services: { registrations } }) => {
    const page = await registrations.list(sessionViewer(session), query);
    return { status: 200, body: { ...page, items: page.items.map(publicRegistration) } };
  },
);
