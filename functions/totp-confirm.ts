import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { totpCodeSchema } from '#shared/auth/credentials';
import { totpEnrolmentService } from '#shared/compose/mfa';
import { recordEvent } from '#shared/platform/events';
import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /mfa/totp/confirm: a code of the offered secret turns TOTP on; the recovery codes, shown once. */
export const handler = sessionRoute(
  {
    routes: ['POST /mfa/totp/confirm'],
    doc: {
      summary: 'Turn TOTP on with a code of the offered secret',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description: '10 recovery codes, shown once; every other session of the user has ended.',
          body: answers.recoveryCodes,
        },
        400: docs.error(
          'Not a current code of the offered secret (`invalid_code`), or not 6 digits (`invalid_input`).',
        ),
        409: docs.error(
          'TOTP is already on (`mfa_already_enabled`), or no secret was offered (`mfa_not_enabled`).',
        ),
      },
    },
    session: 'required',
    stepUp: true,
    body: () => totpCodeSchema,
    services: { totp: totpEnrolmentService, notices: securityNoticesService },
  },
  async ({ session, body, event, facts, services: { totp, notices } }) => {
    const { recoveryCodes } = await totp.confirm(session.username, body.code, session.sid);
    recordEvent('mfaEnabled', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'mfa_enabled', { event, facts });
    return { status: 200, body: { recoveryCodes } };
  },
);
