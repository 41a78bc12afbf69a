import * as z from 'zod/mini';
import { passkeyListService } from '#shared/compose/passkey-list';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';

/** DELETE /passkeys/{id}: removes one of the signed-in user's passkeys; 404 for anyone else's. */
export const handler = httpHandler(
  {
    session: 'required',
    path: z.object({ id: z.string().check(z.minLength(1), z.maxLength(1024)) }),
    compose: (config) => ({
      sessions: sessionsService(config),
      passkeys: passkeyListService(config),
    }),
  },
  async ({ session, path, facts, services: { passkeys } }) => {
    await passkeys.remove(session.userId, path.id);
    recordEvent('passkeyRemoved', { userId: session.userId, ...facts });
    return { status: 204 };
  },
);
