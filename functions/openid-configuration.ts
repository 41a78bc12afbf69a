import { JWKS_MAX_AGE_SECONDS } from '#shared/auth/access-token-rotation';
import { discoveryDocument } from '#shared/auth/access-tokens';
import * as answers from '#shared/http/response-schemas';
import { apiRoute } from '#shared/http/route';
import { apiBase } from '#shared/http/sign-in-redirects';

/**
 * GET /.well-known/openid-configuration: the issuer and where its keys are, so a verifier (API Gateway's JWT
 * authorizer, `jose`'s remote key set) needs only the issuer's address.
 */
export const handler = apiRoute(
  {
    routes: ['GET /.well-known/openid-configuration'],
    doc: {
      summary: 'Where access tokens come from and how to verify them',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description:
            "The issuer (the stage's API address: `API_URL`, else the address this request came to), `jwks_uri` and the signing algorithm.",
          body: answers.discovery,
        },
      },
    },
    memory: 'waiting',
  },
  async ({ event, settings }) => ({
    status: 200,
    body: discoveryDocument(apiBase(event, settings)),
    headers: { 'cache-control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` },
  }),
);
