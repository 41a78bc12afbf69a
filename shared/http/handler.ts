import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { type Settings, settings } from '#shared/platform/config';
import { readBearer, readCookie } from '#shared/http/cookies';
import type { SessionRecord } from '#shared/data/sessions';
import { errorHandler } from '#shared/http/error-handler';
import { unauthorized } from '#shared/http/errors';
import { jsonBody, type ParsedEvent } from '#shared/http/json-body';
import { originCheck } from '#shared/http/origin-check';
import { edgeOnly } from '#shared/http/edge';
import { type PartsEvent, type RequestFacts, requestParts } from '#shared/http/request-parts';
import { type HttpResult, toApiGatewayResult } from '#shared/http/response';
import { responseHeaders } from '#shared/http/response-headers';
import { flushMetrics, logger } from '#shared/platform/logger';
import type { Sessions } from '#shared/auth/sessions';

export type SessionMode = 'required' | 'optional' | 'none';

/** What a composition gives: each service, awaited (a service may still be loading when composed). */
export type Composed<C> = { [K in keyof C]: Awaited<C[K]> };

export interface HandlerInput<Body, Mode extends SessionMode, Services, Path = undefined, Query = undefined> {
  body: Body;
  /** The path parameters, validated by the route's `path` schema. */
  path: Path;
  /** The query string, validated by the route's `query` schema. */
  query: Query;
  facts: RequestFacts;
  event: APIGatewayProxyEventV2;
  /** The session token as sent: the cookie, else an `Authorization: Bearer` header. */
  token: string | undefined;
  session: Mode extends 'required'
    ? SessionRecord
    : Mode extends 'optional'
      ? SessionRecord | null
      : undefined;
  services: Services;
  settings: Settings;
}

export interface HandlerOptions<Body, Mode extends SessionMode, C, Path = undefined, Query = undefined> {
  /** The body's schema, built once from the settings (the minimum password length is one). */
  body?: (settings: Settings) => z.ZodMiniType<Body>;
  path?: z.ZodMiniType<Path>;
  query?: z.ZodMiniType<Query>;
  session?: Mode;
  /**
   * The route takes a form another site posts (an identity provider's `form_post` answer): no origin
   * check, as its origin is the provider's; the route's own proof of the browser (a flow's state and its
   * `__Host-` cookie) is the CSRF defence.
   */
  crossSitePost?: true;
  /**
   * Wires the services this function uses, and nothing else (shared/compose/): what it imports is what its
   * bundle carries, and what it reads is what its role must grant. On Lambda it runs at cold start, so a
   * missing setting fails the init phase naming it; services still loading (a secret being read) are
   * awaited by the first request, and a failure there is retried by the next. Routes declare their services
   * (shared/http/route.ts), and `sessionRoute` composes `sessions` for those with a session.
   */
  compose?: (settings: Settings) => C;
}

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

type SessionEvent = APIGatewayProxyEventV2 & {
  token: string | undefined;
  session: SessionRecord | null | undefined;
};

/** The caller's token and, for a route with a session, its session: `required` refuses (401) without one. */
function sessionCheck(
  mode: SessionMode,
  config: Settings,
  services: () => Promise<unknown>,
): MiddlewareObj<SessionEvent> {
  return {
    before: async ({ event }) => {
      event.token = readCookie(event.cookies, config.COOKIE_NAME) ?? readBearer(event.headers.authorization);
      if (mode === 'none') return;
      const { sessions } = (await services()) as { sessions: Sessions };
      event.session = await sessions.resolve(event.token);
      if (!event.session && mode === 'required') throw unauthorized();
    },
  };
}

/**
 * A route's handler: the middleware stack in its fixed order (headers normalized, response headers on
 * everything, then the origin (403), the session (401), and only then the path, query and body parsed and
 * validated (400, 413, 415); errors rendered last), then the business step alone.
 */
export function httpHandler<
  Body = undefined,
  Mode extends SessionMode = 'none',
  C extends Record<string, unknown> = Record<never, never>,
  Path = undefined,
  Query = undefined,
>(
  options: HandlerOptions<Body, Mode, C, Path, Query> &
    (Mode extends 'none'
      ? unknown
      : { compose: (settings: Settings) => C & { sessions: Promise<Sessions> } }),
  step: (input: HandlerInput<Body, Mode, Composed<C>, Path, Query>) => Promise<HttpResult>,
): ApiHandler {
  // Settings are validated and the function's services wired at cold start on Lambda (and in the local
  // runtime, which sets Lambda's environment): a missing or bad setting fails the container before any
  // request. Elsewhere (the stack reading a route's declaration) nothing is read until a first call.
  const wire = (): ApiHandler => {
    const config = settings();
    const wired = options.compose?.(config) ?? ({} as C);
    let services: Promise<Composed<C>> | undefined;
    const resolve = () => {
      services ??= Promise.all(
        Object.entries(wired).map(async ([name, value]) => [name, await value] as const),
      ).then((entries) => Object.fromEntries(entries) as Composed<C>);
      services.catch(() => {
        services = undefined;
      });
      return services;
    };
    resolve().catch(() => undefined);

    // Answer our own 503 a second before Lambda would cut the function off (API Gateway's bare 500).
    const stack = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
      timeoutEarlyInMillis: 1000,
    })
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(flushMetrics())
      .use(httpHeaderNormalizer())
      .use(responseHeaders())
      .use(edgeOnly(config.ORIGIN_VERIFY_SECRET))
      .use(originCheck(config.ALLOWED_ORIGINS, { crossSitePost: options.crossSitePost === true }))
      // Who asks before what they ask: without a session a request is refused (401) before its path, query or
      // body is read, so an anonymous caller learns nothing of what a route accepts.
      .use(sessionCheck(options.session ?? 'none', config, resolve) as MiddlewareObj)
      .use(
        requestParts({
          path: options.path,
          query: options.query,
          originSecret: config.ORIGIN_VERIFY_SECRET,
        }) as MiddlewareObj,
      );
    if (options.body) stack.use(jsonBody(options.body(config)) as MiddlewareObj);

    return stack.use(errorHandler()).handler(async (event) => {
      const built = await resolve();
      const parts = event as PartsEvent<Path, Query> & SessionEvent;
      const result = await step({
        body: (event as ParsedEvent<Body>).parsedBody,
        path: parts.parsedPath,
        query: parts.parsedQuery,
        facts: parts.facts,
        event,
        token: parts.token,
        session: parts.session as HandlerInput<Body, Mode, Composed<C>, Path, Query>['session'],
        services: built,
        settings: config,
      });
      return toApiGatewayResult(result);
    }) as unknown as ApiHandler;
  };
  let ready: ApiHandler | undefined;
  if (process.env.LAMBDA_TASK_ROOT) ready = wire();
  // Async, so that settings refused at a first call reach Lambda as a failed invocation, not a throw.
  return async (event, context) => (ready ??= wire())(event, context);
}
