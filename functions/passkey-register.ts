import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { passkeyResponseSchema } from '#shared/auth/credentials';
import { deviceLabel } from '#shared/auth/device-label';
import { passkeyRegistrationService } from '#shared/compose/passkeys';
import { recordEvent } from '#shared/platform/events';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /passkeys/register: the authenticator's answer to the options; the passkey is the user's. 201. */
export const handler = sessionRoute(
  {
    routes: ['POST /passkeys/register'],
    doc: {
      summary: "Add a passkey with the authenticator's answer",
      tag: 'Accounts and sessions',
      responses: {
        201: { description: 'The passkey, named after the browser that made it.', body: answers.passkey },
        400: docs.error(
          'Not a valid answer to the current challenge, or without user verification (`invalid_passkey`).',
        ),
      },
    },
    session: 'required',
    stepUp: true,
    body: () => passkeyResponseSchema,
    services: {
      passkeys: passkeyRegistrationService,
      notices: securityNoticesService,
    },
  },
  async ({ session, body, event, facts, services: { passkeys, notices } }) => {
    const name = deviceLabel(event.headers['user-agent']);
    const passkey = await passkeys.register(
      session,
      body.response as unknown as RegistrationResponseJSON,
      name,
    );
    recordEvent('passkeyAdded', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'passkey_added', { event, facts }, `Passkey: ${passkey.name}.`);
    return { status: 201, body: passkey };
  },
);
