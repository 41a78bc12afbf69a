import * as z from 'zod/mini';

/** A provider id in a route's path (`/auth/{provider}/...`): what IDENTITY_PROVIDERS allows as an id. */
export const providerPath = z.object({
  provider: z.string().check(z.regex(/^[a-z0-9-]{1,32}$/, 'must be a provider id')),
});
