import { totpEnrolmentService } from '#shared/compose/mfa';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /mfa/totp: a new TOTP secret and its otpauth URI, offered; nothing is enforced until confirmed. */
export const handler = sessionRoute(
  {
    routes: ['POST /mfa/totp'],
    doc: {
      summary: 'Offer a TOTP secret (not enforced until confirmed)',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description: 'The base32 secret (160 bits) and its `otpauth://` URI.',
          body: answers.totpOffer,
        },
        409: docs.error('TOTP is already on (`mfa_already_enabled`).'),
      },
    },
    session: 'required',
    stepUp: true,
    services: { totp: totpEnrolmentService },
  },
  async ({ session, services: { totp } }) => ({ status: 200, body: await totp.offer(session.username) }),
);
