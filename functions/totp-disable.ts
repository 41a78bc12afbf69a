import { securityNoticesService } from '#shared/compose/notices';
import { sendNotice } from '#shared/http/security-notice';
import { totpCodeSchema } from '#shared/auth/credentials';
import { invalidCode } from '#shared/auth/totp';
import { totpService } from '#shared/compose/mfa';
import { recordEvent } from '#shared/platform/events';
import { tooManyAttempts } from '#shared/platform/outcomes';
import { sessionRoute } from '#shared/http/session-handler';
import * as docs from '#shared/http/route-docs';

/** DELETE /mfa/totp: a current code turns TOTP off (a stolen session alone cannot). */
export const handler = sessionRoute(
  {
    routes: ['DELETE /mfa/totp'],
    doc: {
      summary: 'Turn TOTP off with a current code',
      tag: 'Accounts and sessions',
      responses: {
        204: { description: 'TOTP is off, and its recovery codes void.' },
        400: docs.error('Not a current code (`invalid_code`), or not 6 digits (`invalid_input`).'),
        409: docs.error('TOTP is not on (`mfa_not_enabled`).'),
        429: docs.error('Too many failed codes (`too_many_attempts`); see `Retry-After`.'),
      },
    },
    session: 'required',
    // No step-up of its own: the current code it needs is the proof (the second factor, each code once), and
    // an account with a second factor steps up with a code anyway (shared/auth/reauth.ts).
    body: () => totpCodeSchema,
    services: { totp: totpService, notices: securityNoticesService },
  },
  async ({ session, body, event, facts, services: { totp, notices } }) => {
    const outcome = await totp.disable(session.username, body.code, facts.clientIp);
    if (outcome.kind === 'throttled') throw tooManyAttempts(outcome.retryAfterSeconds);
    if (outcome.kind === 'invalid') throw invalidCode();
    recordEvent('mfaDisabled', { userId: session.userId, ...facts });
    await sendNotice(notices, session, 'mfa_disabled', { event, facts });
    return { status: 204 };
  },
);
