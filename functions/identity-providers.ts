import { identityProvidersService } from '#shared/compose/identity-providers';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';

/** GET /auth/providers: the identity providers this stage lets users sign in with, for the client's buttons. */
export const handler = apiRoute(
  {
    routes: ['GET /auth/providers'],
    doc: {
      summary: 'The identity providers you can sign in with',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description: 'Each provider by id (for `/auth/{id}/start`) and name.',
          body: answers.providerList,
        },
      },
    },
    memory: 'waiting',
    services: { providers: identityProvidersService },
  },
  async ({ services: { providers } }) => ({
    status: 200,
    body: { items: [...providers.values()].map(({ id, name }) => ({ id, name })) },
  }),
);
