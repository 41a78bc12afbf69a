import { sessionOnly } from '#shared/compose/sessions';
import { httpHandler } from '#shared/http/handler';

/** GET|POST /home: a greeting for a signed-in user; 401 otherwise. */
export const handler = httpHandler({ session: 'required', compose: sessionOnly }, async ({ session }) => ({
  status: 200,
  body: { message: `Hello, ${session.username}` },
}));
