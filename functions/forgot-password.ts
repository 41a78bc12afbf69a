import { forgotPasswordSchema } from '#shared/auth/credentials';
import { resetRequestsService } from '#shared/compose/recovery';
import { sleep } from '#shared/platform/concurrency';
import { recordEvent } from '#shared/platform/events';
import { apiRoute } from '#shared/http/route';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';

/** POST /password/forgot: the same 202, in comparable time, whether or not a reset link was mailed. */
export const handler = apiRoute(
  {
    routes: ['POST /password/forgot'],
    doc: {
      summary: 'Ask for a password reset link by mail',
      tag: 'Accounts and sessions',
      responses: {
        202: {
          description:
            'The same answer, in comparable time, whether or not the account exists; a link goes only to a verified address, and within the limits.',
          body: answers.accepted,
        },
        400: docs.error('Neither or both of `email` and `username`, or a malformed one (`invalid_input`).'),
      },
    },
    memory: 'waiting',
    body: () => forgotPasswordSchema,
    services: { requests: resetRequestsService },
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
