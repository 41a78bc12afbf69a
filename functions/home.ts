import { sessionRoute } from '#shared/http/session-handler';
import * as answers from '#shared/http/response-schemas';

/** GET|POST /home: a greeting for a signed-in user; 401 otherwise. */
export const handler = sessionRoute(
  {
    routes: ['GET /home', 'POST /home'],
    doc: {
      summary: 'A greeting for the signed-in user',
      tag: 'Accounts and sessions',
      responses: { 200: { description: 'The greeting.', body: answers.greeting } },
    },
    session: 'required',
  },
  async ({ session }) => ({
    status: 200,
    body: { message: `Hello, ${session.username}` },
  }),
);
