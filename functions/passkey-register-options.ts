import { passkeyOptionsService } from '#shared/compose/passkeys';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';

/** POST /passkeys/register/options: the creation options for a new passkey of the signed-in user. */
export const handler = sessionRoute(
  {
    routes: ['POST /passkeys/register/options'],
    doc: {
      summary: 'Options to add a passkey',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description: 'Creation options; their challenge is good for 5 minutes, once.',
          body: answers.creationOptions,
        },
      },
    },
    session: 'required',
    stepUp: true,
    services: {
      passkeys: passkeyOptionsService,
    },
  },
  async ({ session, services: { passkeys } }) => ({
    status: 200,
    body: await passkeys.registrationOptions(session),
  }),
);
