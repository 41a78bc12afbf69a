import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '#shared/http/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const forbiddenOrigin = () =>
  new HttpError(
    403,
    'forbidden_origin',
    'This request must come from the application itself or an allowed origin.',
  );

/**
 * Scheme, host and port, as browsers compare origins. API Gateway says the scheme in `X-Forwarded-Proto`
 * (always https on AWS; the local stand-in says http); the host header carries the port when not the default.
 */
const sameOrigin = (origin: string, host: string | undefined, scheme: string) => {
  if (host === undefined) return false;
  try {
    return new URL(origin).origin === new URL(`${scheme}://${host}`).origin;
  } catch {
    return false;
  }
};

/**
 * CSRF defence (ASVS 5.0 V3.5, OWASP CSRF cheat sheet, "Verifying Origin With Standard Headers"): a
 * state-changing request from a browser must come from the API's own origin or one of ALLOWED_ORIGINS. The
 * browser says where a request comes from in `Origin`, else in `Sec-Fetch-Site`; a request with neither is
 * not from a browser, cannot carry a victim's cookie by deception, and passes. This covers login and signup
 * too (login CSRF), not only requests that carry a session cookie. SameSite cookies are the second layer.
 */
export function originCheck(
  allowedOrigins: readonly string[],
  options: { crossSitePost?: boolean } = {},
): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async ({ event }) => {
      // A route that takes another site's form post (shared/http/handler.ts) proves the browser its own way.
      if (options.crossSitePost || SAFE_METHODS.has(event.requestContext.http.method)) return;
      const { origin, host } = event.headers;
      const fetchSite = event.headers['sec-fetch-site'];
      if (origin !== undefined) {
        const scheme = event.headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
        if (allowedOrigins.includes(origin) || sameOrigin(origin, host, scheme)) return;
        throw forbiddenOrigin();
      }
      if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
        throw forbiddenOrigin();
    },
  };
}
