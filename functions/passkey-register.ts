import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { passkeyResponseSchema } from '#shared/auth/credentials';
import { deviceLabel } from '#shared/auth/device-label';
import { passkeyRegistrationService } from '#shared/compose/passkeys';
import { sessionHandler } from '#shared/http/session-handler';
import { recordEvent } from '#shared/platform/events';

/** POST /passkeys/register: the authenticator's answer to the options; the passkey is the user's. 201. */
export const handler = sessionHandler(
  {
    session: 'required',
    stepUp: true,
    body: () => passkeyResponseSchema,
    compose: (config) => ({
      passkeys: passkeyRegistrationService(config),
      notices: securityNoticesService(config),
    }),
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
