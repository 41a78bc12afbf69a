import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { type Settings, settings } from '#shared/config';
import { readBearer, readCookie } from '#shared/cookies';
import type { SessionRecord } from '#shared/data/sessions';
import { errorHandler } from '#shared/http/error-handler';
import { unauthorized } from '#shared/http/errors';
import { jsonBody, type ParsedEvent } from '#shared/http/json-body';
import { originCheck } from '#shared/http/origin-check';
import { type HttpResult, toApiGatewayResult } from '#shared/http/response';
import { responseHeaders } from '#shared/http/response-headers';
import { flushMetrics, logger } from '#shared/logger';
import { getServices, type Services } from '#shared/services';

type SessionMode = 'required' | 'optional' | 'none';

export interface HandlerInput<Body, Mode extends SessionMode> {
  body: Body;
  event: APIGatewayProxyEventV2;
  /** The session token as sent: the cookie, else an `Authorization: Bearer` header. */
  token: string | undefined;
  session: Mode extends 'required'
    ? SessionRecord
    : Mode extends 'optional'
      ? SessionRecord | null
      : undefined;
  services: Services;
}

export interface HandlerOptions<Body, Mode extends SessionMode> {
  /** The body's schema, built once from the settings (the minimum password length is one). */
  body?: (settings: Settings) => z.ZodMiniType<Body>;
  session?: Mode;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A route's handler: the middleware stack in its fixed order (headers normalized, response headers on
 * everything, body parsed and validated, errors rendered last), then the business step alone.
 */
export function httpHandler<Body = undefined, Mode extends SessionMode = 'none'>(
  options: HandlerOptions<Body, Mode>,
  step: (input: HandlerInput<Body, Mode>) => Promise<HttpResult>,
): ApiHandler {
  // Settings are validated here, at cold start: a bad one fails the container before any request.
  const config = settings();
  // Secrets and keys load during the init phase; a failure there is retried by the first request.
  getServices().catch(() => undefined);

  const stack = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(flushMetrics())
    .use(httpHeaderNormalizer())
    .use(responseHeaders())
    .use(originCheck(config.ALLOWED_ORIGINS));
  if (options.body) stack.use(jsonBody(options.body(config)) as MiddlewareObj);

  return stack.use(errorHandler()).handler(async (event) => {
    const services = await getServices();
    const token = readCookie(event.cookies, config.COOKIE_NAME) ?? readBearer(event.headers.authorization);
    const mode = options.session ?? 'none';
    let session: SessionRecord | null | undefined;
    if (mode !== 'none') {
      session = await services.sessions.resolve(token);
      if (!session && mode === 'required') throw unauthorized();
    }
    const result = await step({
      body: (event as ParsedEvent<Body>).parsedBody,
      event,
      token,
      session: session as HandlerInput<Body, Mode>['session'],
      services,
    });
    return toApiGatewayResult(result);
  }) as unknown as ApiHandler;
}
