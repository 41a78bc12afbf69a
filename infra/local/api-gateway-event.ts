import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { RouteMatch } from '#infra/local/router';

/**
 * The translation API Gateway HTTP APIs perform (payload format 2.0), so a handler runs locally on the very
 * event it receives on AWS: headers lower-cased and repeated ones joined with commas, cookies moved to
 * `cookies`, the query string raw and without `?`, the body a string (base64 when it is not text).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
const TEXT_TYPES = /^(?:text\/|application\/(?:[\w.+-]+\+)?(?:json|xml|javascript|x-www-form-urlencoded))/i;

export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  route: RouteMatch,
  now: Date = new Date(),
): APIGatewayProxyEventV2 {
  // The raw path, as sent: API Gateway neither normalizes nor decodes it.
  const rawPath = (request.url ?? '/').split('?')[0] || '/';
  const queryAt = (request.url ?? '').indexOf('?');
  const rawQueryString = queryAt < 0 ? '' : (request.url ?? '').slice(queryAt + 1);
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] ?? '').toLowerCase();
    const value = request.rawHeaders[i + 1] ?? '';
    if (name === 'cookie') continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  // What API Gateway adds to every request it forwards (the client's own X-Forwarded-* are replaced).
  const sourceIp = request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  headers['x-forwarded-for'] = sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.socket.localPort ?? 80);
  const cookies = (request.headers.cookie ?? '')
    .split(';')
    .map((cookie) => cookie.trim())
    .filter(Boolean);
  // The query alone is parsed: the path is no URL to resolve (`//` would read as a host that is not there).
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString))
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? '');
  const requestId = randomUUID();
  const method = request.method ?? 'GET';

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: body.toString(isText ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: !isText,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` as API Gateway writes it: `12/Mar/2020:19:03:58 +0000`. */
export function requestTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** Writes a handler's result back as HTTP, as API Gateway does with payload 2.0 results. */
export function writeApiGatewayResult(
  response: ServerResponse,
  result: APIGatewayProxyResultV2,
  extraHeaders: Record<string, string>,
): void {
  // A result that is not a {statusCode} object is sent as a 200 JSON body, as API Gateway does.
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = Buffer.from(structured.body ?? '', structured.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  response.writeHead(structured.statusCode ?? 200, headers);
  response.end(body);
}
