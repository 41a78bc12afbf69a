import { recordEvent } from '#shared/platform/events';
import { registrationRemoval } from '#shared/compose/registrations';
import { registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as docs from '#shared/http/route-docs';

/** DELETE /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = sessionRoute(
  {
    routes: ['DELETE /registrations/{id}'],
    doc: {
      summary: 'Delete a registration',
      tag: 'Registrations',
      responses: { 204: { description: 'Deleted.' }, 404: docs.notFound },
    },
    session: 'required',
    path: registrationPathSchema,
    services: { registrations: registrationRemoval },
  },
  async ({ session, path, facts, services: { registrations } }) => {
    await registrations.remove(sessionViewer(session), path.id);
    recordEvent('registrationDeleted', { userId: session.userId, registrationId: path.id, ...facts });
    return { status: 204 };
  },
);
