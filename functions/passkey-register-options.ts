import { passkeyRegistrationService } from '#shared/compose/passkeys';
import { sessionsService } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';

/** POST /passkeys/register/options: the creation options for a new passkey of the signed-in user. */
export const handler = httpHandler(
  {
    session: 'required',
    compose: (config) => ({
      sessions: sessionsService(config),
      passkeys: passkeyRegistrationService(config),
    }),
  },
  async ({ session, services: { passkeys } }) => ({
    status: 200,
    body: await passkeys.registrationOptions(session),
  }),
);
