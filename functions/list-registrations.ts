import { registrationsService } from '#shared/compose/registrations';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** GET /registrations?limit=&cursor=: the caller's own (an admin's: all), newest first. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: async (config) => ({
      sessions: await sessionsService(config),
      registrations: registrationsService(config),
    }),
  },
  async ({ session, event, services: { registrations } }) => {
    const { limit, cursor } = event.queryStringParameters ?? {};
    const page = await registrations.list(sessionViewer(session), { limit, cursor });
    return { status: 200, body: { ...page, items: page.items.map(publicRegistration) } };
  },
);
