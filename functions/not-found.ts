import { notFound } from '#shared/platform/outcomes';
import { apiRoute } from '#shared/http/route';

/** The `$default` route: any request no other route matches gets the contract's JSON 404. */
export const handler = apiRoute(
  {
    routes: ['$default'],
    memory: 'waiting',
  },
  async () => {
    throw notFound();
  },
);
