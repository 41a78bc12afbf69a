import { sessionHandler } from '#shared/http/session-handler';

/** GET /sessions: the caller's live sessions, where they are signed in, most recently active first. */
export const handler = sessionHandler(
  { session: 'required' },
  async ({ session, services: { sessions } }) => ({
    status: 200,
    body: { items: await sessions.listOf(session) },
  }),
);
