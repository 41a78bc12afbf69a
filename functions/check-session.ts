import { sessionOnly } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';
import { sessionUser } from '#shared/auth/sessions';

/** GET /check_session: the signed-in user, or 204 with no body when there is no valid session. */
export const handler = httpHandler({ session: 'optional', compose: sessionOnly }, async ({ session }) =>
  session ? { status: 200, body: sessionUser(session) } : { status: 204 },
);
