import { identityListService } from '#shared/compose/identities';
import * as answers from '#shared/http/response-schemas';
import { sessionRoute } from '#shared/http/session-handler';

/** GET /identities: the signed-in user's identities at providers, never the provider's subject or a token. */
export const handler = sessionRoute(
  {
    routes: ['GET /identities'],
    doc: {
      summary: 'Your linked sign-in providers',
      tag: 'Accounts and sessions',
      responses: {
        200: { description: 'Your identities at providers, oldest link first.', body: answers.identityList },
      },
    },
    session: 'required',
    services: { identities: identityListService },
  },
  async ({ session, services: { identities } }) => ({
    status: 200,
    body: { items: await identities.list(session.userId) },
  }),
);
