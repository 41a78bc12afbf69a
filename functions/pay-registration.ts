import { recordEvent, requestFacts } from '#shared/events';
import { httpHandler } from '#shared/http/handler';
import { publicRegistration } from '#shared/registrations';
import { sessionViewer } from '#shared/sessions';

/** POST /registrations/{id}/payment: admins record a payment (twice is harmless); 403 for the owner, 404 for others. */
export const handler = httpHandler(
  { session: 'required' },
  async ({ session, event, services: { registrations } }) => ({
    status: 200,
    body: publicRegistration(await registrations.pay(sessionViewer(session), event.pathParameters?.id ?? '')),
  }),
);
