import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { toApiGatewayEvent, writeApiGatewayResult } from '#infra/local/api-gateway-event';
import type { ClientAssets } from '#infra/local/client';
import { type CorsConfiguration, corsHeaders, isPreflight, preflightHeaders } from '#infra/local/cors';
import type { FunctionRuntime } from '#infra/local/function-runtime';
import { createRouter } from '#infra/local/router';
import { apiFunctions } from '#infra/routes';
import { SECURITY_HEADERS } from '#shared/http/response-headers';

// API Gateway's own limit on a request payload; the functions enforce their far smaller one.
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** An answer of the gateway itself, with the same security headers as the functions' answers. */
const gatewayError = (statusCode: number, message: string) => ({
  statusCode,
  headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
});

/** A path whose percent-escapes do not decode: no route can be chosen, and no function sees it. */
const malformedPath = () => ({
  statusCode: 400,
  headers: { ...SECURITY_HEADERS, 'content-type': 'application/json' },
  body: JSON.stringify({
    error: { code: 'bad_request', message: 'The request path has a percent-escape that does not decode.' },
  }),
});

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The route keys the local runtime serves: those of the declared functions, as the stack routes them. */
export const servedRouteKeys = (): string[] => apiFunctions.flatMap((fn) => fn.routes);

/** Route key → function, from the declarations (the local runtime) or from a template (the artifact suite). */
export function declaredRoutes(
  functions: ReadonlyMap<string, FunctionRuntime>,
): Map<string, FunctionRuntime> {
  return new Map(
    apiFunctions.flatMap((fn) => {
      const runtime = functions.get(fn.name);
      if (!runtime) throw new Error(`no runtime for function ${fn.name}`);
      return fn.routes.map((routeKey) => [routeKey, runtime] as const);
    }),
  );
}

/**
 * The local stand-in for API Gateway: each request is routed by the route keys on its raw path, turned into
 * the payload-2.0 event, handed to the function that route integrates, and its result written back.
 */
export function createApiServer(
  options: {
    routes: ReadonlyMap<string, FunctionRuntime>;
    cors: CorsConfiguration | undefined;
    client?: ClientAssets;
  },
  /** A server already listening (its address is a setting of the functions), else a new one. */
  server: Server = createServer(),
): Server {
  const route = createRouter([...options.routes.keys()]);

  return server.on('request', async (request: IncomingMessage, response: ServerResponse) => {
    const cors = corsHeaders(request, options.cors);
    try {
      // The browser client's files, as a static site would serve them; everything else is the API.
      if (options.client?.serve(request, response)) return;
      if (isPreflight(request, options.cors)) {
        response.writeHead(204, preflightHeaders(request, options.cors as CorsConfiguration)).end();
        return;
      }
      const body = await readBody(request);
      if (!body) {
        writeApiGatewayResult(response, gatewayError(413, 'Request Entity Too Large'), cors);
        return;
      }
      const match = route(request.method ?? 'GET', (request.url ?? '/').split('?')[0] ?? '/');
      if (match === 'malformed') {
        // On AWS, API Gateway answers this itself with `{"message": "Bad Request"}` (README, errors); the
        // local stand-in answers in the contract's shape.
        writeApiGatewayResult(response, malformedPath(), cors);
        return;
      }
      const target = match && options.routes.get(match.routeKey);
      if (!match || !target) {
        writeApiGatewayResult(response, gatewayError(404, 'Not Found'), cors);
        return;
      }
      const event = toApiGatewayEvent(request, body, match);
      const result = (await target.invoke(event, event.requestContext.requestId)) as APIGatewayProxyResultV2;
      writeApiGatewayResult(response, result, cors);
    } catch (error) {
      // What API Gateway answers when a function fails (init, throw, timeout): the details stay in its log.
      console.error(JSON.stringify({ level: 'ERROR', message: 'function failed', error: String(error) }));
      if (!response.headersSent)
        writeApiGatewayResult(response, gatewayError(500, 'Internal Server Error'), cors);
    }
  });
}
