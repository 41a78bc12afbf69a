import { JWKS_MAX_AGE_SECONDS } from '#shared/auth/access-token-rotation';
import { publishedKeysService } from '#shared/compose/access-tokens';
import * as answers from '#shared/http/response-schemas';
import { apiRoute } from '#shared/http/route';

/** GET /.well-known/jwks.json: the public keys access tokens are verified with (RFC 7517). */
export const handler = apiRoute(
  {
    routes: ['GET /.well-known/jwks.json'],
    doc: {
      summary: 'The keys access tokens are signed with',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description: `The public keys (ES256), each with its \`kid\`: the signing one, the next (published before it signs) and the previous (until its tokens expire). Cacheable for ${JWKS_MAX_AGE_SECONDS} s.`,
          body: answers.jwks,
        },
      },
    },
    memory: 'waiting',
    services: { published: publishedKeysService },
  },
  async ({ services: { published } }) => ({
    status: 200,
    // Each key's public members only, whatever else the item might hold.
    body: {
      keys: (await published.list()).map(({ kty, crv, x, y, kid, alg, use }) => ({
        kty,
        crv,
        x,
        y,
        kid,
        alg,
        use,
      })),
    },
    // A rotation waits this long between publishing a key and signing with it (access-token-rotation.ts).
    headers: { 'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` },
  }),
);
