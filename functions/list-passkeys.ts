import { passkeyListService } from '#shared/compose/passkey-list';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';

/** GET /passkeys: the signed-in user's passkeys, never their keys. */
export const handler = sessionRoute(
  {
    routes: ['GET /passkeys'],
    doc: {
      summary: 'Your passkeys',
      tag: 'Accounts and sessions',
      responses: {
        200: { description: 'Your passkeys, never their keys.', body: answers.passkeyList },
      },
    },
    session: 'required',
    services: {
      passkeys: passkeyListService,
    },
  },
  async ({ session, services: { passkeys } }) => ({
    status: 200,
    body: { items: await passkeys.list(session.userId) },
  }),
);
