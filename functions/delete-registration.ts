import { recordEvent, requestFacts } from '#shared/events';
import { httpHandler } from '#shared/http/handler';
import { sessionViewer } from '#shared/sessions';

/** DELETE /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = httpHandler(
  { session: 'required' },
  async ({ session, event, services: { registrations } }) => {
    await registrations.remove(sessionViewer(session), event.pathParameters?.id ?? '');
    return { status: 204 };
  },
);
