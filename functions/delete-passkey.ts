import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import * as z from 'zod/mini';
import { passkeyListService } from '#shared/compose/passkey-list';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** DELETE /passkeys/{id}: removes one of the signed-in user's passkeys; 404 for anyone else's. */
export const handler = sessionHandler(
  {
    session: 'required',
    stepUp: true,
    path: z.object({ id: z.string().check(z.minLength(1), z.maxLength(1024)) }),
    compose: (config) => ({
      passkeys: passkeyListService(config),
      notices: securityNoticesService(config),
    }),
  },
  async ({ session, path, event, facts, services: { passkeys, notices } }) => {
    await passkeys.remove(session.userId, path.id);
    recordEvent('passkeyRemoved', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'passkey_removed', { event, facts });
    return { status: 204 };
  },
);
