import { recordEvent } from '#shared/platform/events';
import { registrationsOnly } from '#shared/compose/registrations';
import { sessionHandler } from '#shared/http/session-handler';
import { registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';

/** DELETE /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = sessionHandler(
  {
    session: 'required',
    path: registrationPathSchema,
    compose: registrationsOnly,
  },
  async ({ session, path, facts, services: { registrations } }) => {
    await registrations.remove(sessionViewer(session), path.id);
    recordEvent('registrationDeleted', { userId: session.userId, registrationId: path.id, ...facts });
    return { status: 204 };
  },
);
