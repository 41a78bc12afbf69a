import { passkeyRegistrationService } from '#shared/compose/passkeys';
import { sessionHandler } from '#shared/http/session-handler';

/** POST /passkeys/register/options: the creation options for a new passkey of the signed-in user. */
export const handler = sessionHandler(
  {
    session: 'required',
    stepUp: true,
    compose: (config) => ({
      passkeys: passkeyRegistrationService(config),
    }),
  },
  async ({ session, services: { passkeys } }) => ({
    status: 200,
    body: await passkeys.registrationOptions(session),
  }),
);
