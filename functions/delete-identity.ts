import * as z from 'zod/mini';
import { identityRemovalService } from '#shared/compose/identities';
import { identityProvidersService } from '#shared/compose/identity-providers';
import { securityNoticesService } from '#shared/compose/notices';
import * as docs from '#shared/http/route-docs';
import { sendNotice } from '#shared/http/security-notice';
import { sessionRoute } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** DELETE /identities/{id}: unlinks one of the signed-in user's identities, unless it is their only way in. */
export const handler = sessionRoute(
  {
    routes: ['DELETE /identities/{id}'],
    doc: {
      summary: 'Unlink a sign-in provider',
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'Unlinked: it no longer signs in to this account.' },
        400: docs.error('An id that cannot be one (`invalid_input`).'),
        404: docs.notFound,
        409: docs.error(
          'It is the only way into the account: no password, no passkey, no other provider (`last_sign_in_method`); or another change to how you sign in is being made (`sign_in_methods_busy`).',
        ),
      },
    },
    session: 'required',
    stepUp: true,
    path: z.object({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{16}$/, 'must be an identity id')) }),
    services: {
      identities: identityRemovalService,
      providers: identityProvidersService,
      notices: securityNoticesService,
    },
  },
  async ({ session, path, event, facts, services: { identities, providers, notices } }) => {
    const removed = await identities.unlink({ id: session.userId, username: session.username }, path.id);
    recordEvent('identityUnlinked', { userId: session.userId, provider: removed.provider, ...facts });
    const name = providers.get(removed.provider)?.name ?? removed.provider;
    await sendNotice(notices, session, 'identity_unlinked', { event, facts }, `Provider: ${name}.`);
    return { status: 204 };
  },
);
