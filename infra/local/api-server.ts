import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { toApiGatewayEvent, writeApiGatewayResult } from '#infra/local/api-gateway-event';
import type { FunctionRuntime } from '#infra/local/function-runtime';
import type { ClientAssets } from '#infra/local/client';
import { corsHeaders, isPreflight, preflightHeaders } from '#infra/local/cors';
import { createRouter } from '#infra/local/router';
import { apiFunctions } from '#infra/routes';

// API Gateway's own limit on a request payload; the functions enforce their far smaller one.
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

const gatewayError = (statusCode: number, message: string) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message }),
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

/**
 * The local stand-in for API Gateway: each request is routed by the declared route keys, turned into the
 * payload-2.0 event, handed to the function's real handler, and its result written back.
 */
export function createApiServer(options: {
  allowedOrigins: readonly string[];
  /** Each declared function's runtime, by name. */
  functions: ReadonlyMap<string, FunctionRuntime>;
  client?: ClientAssets;
}): Server {
  const byRoute = new Map(
    apiFunctions.flatMap((fn) =>
      fn.routes.map((routeKey) => [routeKey, options.functions.get(fn.name)] as const),
    ),
  );
  const route = createRouter(servedRouteKeys());

  return createServer(async (request, response) => {
    const cors = corsHeaders(request, options.allowedOrigins);
    try {
      // The browser client's files, as a static site would serve them; everything else is the API.
      if (options.client?.serve(request, response)) return;
      if (isPreflight(request)) {
        response.writeHead(204, preflightHeaders(request, options.allowedOrigins)).end();
        return;
      }
      const body = await readBody(request);
      if (!body) {
        writeApiGatewayResult(response, gatewayError(413, 'Request Entity Too Large'), cors);
        return;
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = route(request.method ?? 'GET', url.pathname);
      const target = match && byRoute.get(match.routeKey);
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
