import { notFound } from '#shared/platform/outcomes';
import { httpHandler } from '#shared/http/handler';

/** The `$default` route: any request no other route matches gets the contract's JSON 404. */
export const handler = httpHandler({}, async () => {
  throw notFound();
});
