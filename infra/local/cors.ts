import type { IncomingMessage } from 'node:http';

/** An HTTP API's CORS configuration, as the stack sets it (and as the template's `CorsConfiguration` says). */
export interface CorsConfiguration {
  allowOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  allowCredentials: boolean;
  maxAge?: number;
}

/**
 * CORS as API Gateway answers it when the API has a CORS configuration: preflights are answered by the
 * gateway itself, and every other response to an allowed origin gets the allow-origin and credentials
 * headers. A disallowed origin gets no CORS headers at all, so the browser withholds the response. An API
 * without one passes OPTIONS requests to its routes like any other method.
 */
export function corsHeaders(
  request: IncomingMessage,
  cors: CorsConfiguration | undefined,
): Record<string, string> {
  const origin = request.headers.origin;
  if (!cors || !origin || !cors.allowOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'origin',
  };
}

export function isPreflight(request: IncomingMessage, cors: CorsConfiguration | undefined): boolean {
  return (
    !!cors && request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined
  );
}

export function preflightHeaders(request: IncomingMessage, cors: CorsConfiguration): Record<string, string> {
  const allowed = corsHeaders(request, cors);
  if (!allowed['access-control-allow-origin']) return {};
  return {
    ...allowed,
    'access-control-allow-methods': cors.allowMethods.join(','),
    'access-control-allow-headers': cors.allowHeaders.join(','),
    ...(cors.maxAge === undefined ? {} : { 'access-control-max-age': String(cors.maxAge) }),
  };
}
