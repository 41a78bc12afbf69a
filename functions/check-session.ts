import { sessionHandler } from '#shared/http/session-handler';
import { sessionUser } from '#shared/auth/sessions';

/** GET /check_session: the signed-in user, or 204 with no body when there is no valid session. */
export const handler = sessionHandler({ session: 'optional' }, async ({ session }) =>
  session ? { status: 200, body: sessionUser(session) } : { status: 204 },
);
