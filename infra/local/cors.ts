import type { IncomingMessage } from 'node:http';
import { corsPolicy } from '#infra/routes';

/**
 * CORS as API Gateway answers it for the stack's `corsPreflight` settings: preflights are answered by the
 * gateway itself, and every other response to an allowed origin gets the allow-origin and credentials
 * headers. A disallowed origin gets no CORS headers at all, so the browser withholds the response.
 */
export function corsHeaders(
  request: IncomingMessage,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const origin = request.headers.origin;
  if (!origin || !allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'origin',
  };
}

export function isPreflight(request: IncomingMessage): boolean {
  return request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
}

export function preflightHeaders(
  request: IncomingMessage,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const allowed = corsHeaders(request, allowedOrigins);
  if (!allowed['access-control-allow-origin']) return {};
  return {
    ...allowed,
    'access-control-allow-methods': corsPolicy.allowMethods.join(','),
    'access-control-allow-headers': corsPolicy.allowHeaders.join(','),
    'access-control-max-age': String(corsPolicy.maxAgeSeconds),
  };
}
