import { passkeyListService } from '#shared/compose/passkey-list';
import { sessionHandler } from '#shared/http/session-handler';

/** GET /passkeys: the signed-in user's passkeys, never their keys. */
export const handler = sessionHandler(
  {
    session: 'required',
    compose: (config) => ({
      passkeys: passkeyListService(config),
    }),
  },
  async ({ session, services: { passkeys } }) => ({
    status: 200,
    body: { items: await passkeys.list(session.userId) },
  }),
);
