import { registrationReading } from '#shared/compose/registrations';
import { publicRegistration, registrationPathSchema } from '#shared/registrations/registrations';
import { sessionViewer } from '#shared/auth/sessions';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** GET /registrations/{id}: for its owner or an admin; 404 for anyone else. */
export const handler = sessionRoute(
  {
    routes: ['GET /registrations/{id}'],
    doc: {
      summary: 'One registration',
      tag: 'Registrations',
      responses: {
        200: { description: 'The registration.', body: answers.registration },
        404: docs.notFound,
      },
    },
    session: 'required',
    path: registrationPathSchema,
    services: { registrations: registrationReading },
  },
  async ({ session, path, services: { registrations } }) => ({
    status: 200,
    body: publicRegistration(await registrations.get(sessionViewer(session), path.id)),
  }),
);
