import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { lambdaContext, toApiGatewayEvent, writeApiGatewayResult } from '#infra/local/api-gateway-event';
import type { ClientAssets } from '#infra/local/client';
import { corsHeaders, isPreflight, preflightHeaders } from '#infra/local/cors';
import { createRouter } from '#infra/local/router';
import { apiFunctions } from '#infra/routes';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

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

/** Loads each declared function's handler file, exactly as the stack bundles it. */
export async function loadHandlers(): Promise<Map<string, { name: string; handler: Handler }>> {
  const byRoute = new Map<string, { name: string; handler: Handler }>();
  for (const fn of apiFunctions) {
    const module = (await import(new URL(`../../functions/${fn.name}.ts`, import.meta.url).href)) as {
      handler: Handler;
    };
    for (const routeKey of fn.routes) byRoute.set(routeKey, { name: fn.name, handler: module.handler });
  }
  return byRoute;
}

/**
 * The local stand-in for API Gateway: each request is routed by the declared route keys, turned into the
 * payload-2.0 event, handed to the function's real handler, and its result written back.
 */
export async function createApiServer(options: {
  allowedOrigins: readonly string[];
  client?: ClientAssets;
}): Promise<Server> {
  const handlers = await loadHandlers();
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
      const target = match && handlers.get(match.routeKey);
      if (!match || !target) {
        writeApiGatewayResult(response, gatewayError(404, 'Not Found'), cors);
        return;
      }
      const event = toApiGatewayEvent(request, body, match);
      const result = await target.handler(event, lambdaContext(target.name, event.requestContext.requestId));
      writeApiGatewayResult(response, result, cors);
    } catch (error) {
      // What API Gateway answers when a function throws: the details stay in the function's log.
      console.error(JSON.stringify({ level: 'ERROR', message: 'handler failed', error: String(error) }));
      if (!response.headersSent)
        writeApiGatewayResult(response, gatewayError(500, 'Internal Server Error'), cors);
    }
  });
}
