import { recordEvent, requestFacts } from '#shared/events';
import { sessionAndRegistrations } from '#shared/compose/registrations';
import { httpHandler } from '#shared/http/handler';
import { sessionViewer } from '#shared/sessions';

/** DELETE /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: sessionAndRegistrations,
  },
  async ({ session, event, services: { registrations } }) => {
    const id = event.pathParameters?.id ?? '';
    await registrations.remove(sessionViewer(session), id);
    recordEvent('registrationDeleted', {
      userId: session.userId,
      registrationId: id,
      ...requestFacts(event),
    });
    return { status: 204 };
  },
);
