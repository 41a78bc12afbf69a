import { notFound } from '#shared/http/errors';
import { httpHandler } from '#shared/http/handler';

/** The `$default` route: any request no other route matches gets the contract's JSON 404. */
export const handler = httpHandler({}, async () => {
  throw notFound();
});
