import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** GET /registrations?limit=&cursor=: the caller's own (an admin's: all), newest first. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: sessionAndRegistrations,
  },
  async ({ session, event, services: { registrations } }) => {
    const { limit, cursor } = event.queryStringParameters ?? {};
    const page = await registrations.list(sessionViewer(session), { limit, cursor });
    return { status: 200, body: { ...page, items: page.items.map(publicRegistration) } };
  },
);
