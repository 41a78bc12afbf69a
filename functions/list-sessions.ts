import { sessionOnly } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';

/** GET /sessions: the caller's live sessions, where they are signed in, most recently active first. */
export const handler = httpHandler(
  { session: 'required', compose: sessionOnly },
  async ({ session, services: { sessions } }) => ({
    status: 200,
    body: { items: await sessions.listOf(session) },
  }),
);
