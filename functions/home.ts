import { sessionHandler } from '#shared/http/session-handler';

/** GET|POST /home: a greeting for a signed-in user; 401 otherwise. */
export const handler = sessionHandler({ session: 'required' }, async ({ session }) => ({
  status: 200,
  body: { message: `Hello, ${session.username}` },
}));
