import { passkeyListService } from '#shared/compose/passkey-list';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';

/** GET /passkeys: the signed-in user's passkeys, never their keys. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: (config) => ({
      sessions: sessionsService(config),
      passkeys: passkeyListService(config),
    }),
  },
  async ({ session, services: { passkeys } }) => ({
    status: 200,
    body: { items: await passkeys.list(session.userId) },
  }),
);
