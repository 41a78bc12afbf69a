import { httpHandler } from '#shared/http/handler';

/** GET /check_session: the signed-in user, or 204 with no body when there is no valid session. */
export const handler = httpHandler({ session: 'optional' }, async ({ session }) => {
  if (!session) return { status: 204 };
  return {
    status: 200,
    body: { id: session.userId, username: session.username, createdAt: session.userCreatedAt },
  };
});
