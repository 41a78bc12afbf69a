import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from '#shared/http/response';
import type { Settings } from '#shared/platform/config';

/**
 * Where a provider sends the browser back to: the API's public address (API_URL behind the edge), else the
 * address this request came to. Registered with the provider as the redirect URI, so it must be exact.
 */
export function callbackUrl(event: APIGatewayProxyEventV2, settings: Settings, providerId: string): string {
  return `${apiBase(event, settings)}/auth/${providerId}/callback`;
}

/** The API's public address (API_URL behind the edge), else the address this request came to; no trailing `/`. */
export function apiBase(event: APIGatewayProxyEventV2, settings: Settings): string {
  // API Gateway serves https only: a client's `X-Forwarded-Proto` counts on the local stack alone, so no
  // request can make a deployed stage name an http issuer, key set or callback.
  const scheme =
    settings.STAGE === 'local' && event.headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return (settings.API_URL ?? `${scheme}://${event.requestContext.domainName}`).replace(/\/+$/, '');
}

/** The client's address, when a callback has no flow to say where its user came from. */
export const clientHome = (settings: Settings): string =>
  new URL('/', settings.APP_URL ?? 'http://localhost/').href;

/** A browser sent on (`303`: see other, a GET, whatever the request's method was); never cached. */
export const redirect = (location: string, cookies: string[] = [], status = 303): HttpResult => ({
  status,
  headers: { location, 'cache-control': 'no-store' },
  cookies,
});
