import { forgotPasswordSchema } from '#shared/auth/credentials';
import { resetRequestsService } from '#shared/compose/recovery';
import { httpHandler } from '#shared/http/handler';
import { sleep } from '#shared/platform/concurrency';
import { recordEvent } from '#shared/platform/events';

/** POST /password/forgot: the same 202, in comparable time, whether or not a reset link was mailed. */
export const handler = httpHandler(
  {
    body: () => forgotPasswordSchema,
    compose: (config) => ({ requests: resetRequestsService(config) }),
  },
  async ({ body, facts, settings, services: { requests } }) => {
    const who = body.email === undefined ? { username: body.username ?? '' } : { email: body.email };
    // Every answer takes at least the floor, so an account that gets a mail (token written, SES called)
    // cannot be told by timing from one that does not exist.
    const [outcome] = await Promise.all([
      requests.request(who, facts.clientIp),
      sleep(settings.FORGOT_ANSWER_FLOOR_MS),
    ]);
    // The outcome is for the audit log only; the address typed never goes there. Requests a limit refused
    // are reported once per window, not once each: a flood of them is one line.
    if (outcome === 'limited_first') recordEvent('passwordResetLimited', { ...facts });
    else if (outcome !== 'limited')
      recordEvent(outcome === 'mailed' ? 'passwordResetMailed' : 'passwordResetRequested', {
        outcome,
        by: 'email' in who ? 'email' : 'username',
        ...facts,
      });
    return {
      status: 202,
      body: {
        message: 'If that account has a verified email address, a link to reset its password is on its way.',
      },
    };
  },
);
