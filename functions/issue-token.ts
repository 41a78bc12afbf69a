import { tokenRequestSchema } from '#shared/auth/access-token-request';
import { accessTokenService } from '#shared/compose/access-tokens';
import * as answers from '#shared/http/response-schemas';
import * as docs from '#shared/http/route-docs';
import { sessionRoute } from '#shared/http/session-handler';
import { apiBase } from '#shared/http/sign-in-redirects';
import { recordEvent } from '#shared/platform/events';

/** POST /token {audience}: a short-lived access token the stage's other services verify offline. */
export const handler = sessionRoute(
  {
    routes: ['POST /token'],
    doc: {
      summary: 'An access token for another service',
      tag: 'Accounts and sessions',
      responses: {
        200: {
          description:
            'A JWT signed ES256 (`iss`, `sub` the user id, `aud`, `iat`, `exp`, `jti`, `role`), verified against `GET /.well-known/jwks.json`. It outlives a logout by at most `expires_in` seconds.',
          body: answers.accessToken,
        },
        400: docs.error(
          "An `audience` missing or not one of the stage's `TOKEN_AUDIENCES` (`invalid_input`, `invalid_audience`).",
        ),
      },
    },
    session: 'required',
    body: () => tokenRequestSchema,
    services: { tokens: accessTokenService },
  },
  async ({ session, body, event, settings, facts, services: { tokens } }) => {
    const token = await tokens.issue(session, body.audience, apiBase(event, settings));
    recordEvent('accessTokenIssued', { userId: session.userId, audience: body.audience, ...facts });
    return { status: 200, body: token };
  },
);
