import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import * as z from 'zod/mini';
import { credentialId } from '#shared/auth/credentials';
import { passkeyRemovalService } from '#shared/compose/passkey-list';
import { signInMethodsService } from '#shared/compose/identities';
import { recordEvent } from '#shared/platform/events';
import { sessionRoute } from '#shared/http/session-handler';
import * as docs from '#shared/http/route-docs';

/** DELETE /passkeys/{id}: removes one of the signed-in user's passkeys; 404 for anyone else's. */
export const handler = sessionRoute(
  {
    routes: ['DELETE /passkeys/{id}'],
    doc: {
      summary: 'Remove one of your passkeys',
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'Removed.' },
        400: docs.error('An id that is not base64url of at most 1,024 characters (`invalid_input`).'),
        404: docs.error('Not one of your passkeys (`not_found`).'),
        409: docs.error(
          'It is the only way into an account without a password or a linked provider (`last_sign_in_method`), or another change to how you sign in is being made (`sign_in_methods_busy`).',
        ),
      },
    },
    session: 'required',
    stepUp: true,
    path: z.object({ id: credentialId }),
    services: {
      passkeys: passkeyRemovalService,
      methods: signInMethodsService,
      notices: securityNoticesService,
    },
  },
  async ({ session, path, event, facts, services: { passkeys, methods, notices } }) => {
    const owner = { id: session.userId, username: session.username };
    const removed = await methods.removing(owner, { passkey: path.id }, () =>
      passkeys.remove(session.userId, path.id),
    );
    recordEvent('passkeyRemoved', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'passkey_removed', { event, facts }, `Passkey: ${removed.name}.`);
    return { status: 204 };
  },
);
