import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { passkeyResponseSchema } from '#shared/auth/credentials';
import { deviceLabel } from '#shared/auth/device-label';
import { passkeyRegistrationService } from '#shared/compose/passkeys';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { recordEvent } from '#shared/platform/events';

/** POST /passkeys/register: the authenticator's answer to the options; the passkey is the user's. 201. */
export const handler = httpHandler(
  {
    session: 'required',
    body: () => passkeyResponseSchema,
    compose: (config) => ({
      sessions: sessionsService(config),
      passkeys: passkeyRegistrationService(config),
    }),
  },
  async ({ session, body, event, facts, services: { passkeys } }) => {
    const name = deviceLabel(event.headers['user-agent']);
    const passkey = await passkeys.register(
      session,
      body.response as unknown as RegistrationResponseJSON,
      name,
    );
    recordEvent('passkeyAdded', { userId: session.userId, ...facts });
    return { status: 201, body: passkey };
  },
);
