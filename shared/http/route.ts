import type * as z from 'zod/mini';
import type { ServiceBuilder } from '#shared/compose/needs';
import {
  type ApiHandler,
  type Composed,
  type HandlerInput,
  httpHandler,
  type SessionMode,
} from '#shared/http/handler';
import type { HttpResult } from '#shared/http/response';
import type { Settings } from '#shared/platform/config';

/** A response: its description, and its JSON body's schema (`error`: the one error shape), or none. */
export interface ResponseDoc {
  description: string;
  body?: z.ZodMiniType | 'error';
}

/** How a route is described in the OpenAPI document (infra/openapi/document.ts). */
export interface RouteDoc {
  summary: string;
  tag: 'Accounts and sessions' | 'Registrations' | 'Administration';
  /** The query parameters as the document names them (the handler validates with its `query` schema). */
  query?: Record<string, { description: string; schema: Record<string, unknown> }>;
  idempotencyKey?: boolean;
  /**
   * The route's own answers; the document builder adds what every route may answer (400 malformed JSON,
   * 403 origin, 413, 415, 500, 503), 401 where a session is required and 403 where the route steps up.
   */
  responses: Record<number, ResponseDoc>;
}

/**
 * Lambda's CPU grows with memory, weighed by the cost bench (`npm run bench:cost`, docs/benchmarks.md): a
 * CPU-bound function (bcrypt) costs about the same at any size and answers fastest at one full vCPU; the
 * others wait on DynamoDB most of their time, and 512 MB keeps their CPU part short for a few cents per
 * million requests more than 256 MB; one that mostly waits (a padded answer, SES's pace, nothing at all)
 * gains nothing from more.
 */
export const MEMORY_MB = { password: 1769, default: 512, waiting: 256 } as const;

/** What a route's services are once built. */
export type Built<S> = { [K in keyof S]: S[K] extends ServiceBuilder<infer T> ? T : never };

/**
 * One route, declared once: its keys, its description, who may call it, what it accepts, and the services
 * it composes. The handler is built from it; the stack routes the keys to the function and grants it what
 * its services need (infra/routes.ts); the OpenAPI document, the local runtime and the route tests read it.
 */
export interface RouteDeclaration<
  Body = undefined,
  Mode extends SessionMode = SessionMode,
  S extends Record<string, ServiceBuilder<unknown>> = Record<string, ServiceBuilder<unknown>>,
  Path = undefined,
  Query = undefined,
> {
  /** API Gateway route keys (`METHOD /path`), or `$default` for whatever no other route matches. */
  routes: readonly string[];
  /** Absent only for `$default`, which the document does not list. */
  doc?: RouteDoc;
  /** `required`: 401 without a session; `optional`: the handler gets `null`; `none` (default): not read. */
  session?: Mode;
  /**
   * For administrators only: a session whose account's role (read now, not when it began) is not `admin`
   * gets 403 `forbidden` before the step runs, so nothing is read or changed (a malformed request may be
   * answered 400 first: the edge validates before the step). Only a route with a required session can ask.
   */
  admin?: Mode extends 'required' ? true : never;
  /** A sensitive change (shared/auth/step-up.ts); only a route with a session can ask for it. */
  stepUp?: Mode extends 'none' ? never : true;
  /** The body's schema, built once from the settings (the minimum password length is one). */
  body?: (settings: Settings) => z.ZodMiniType<Body>;
  path?: z.ZodMiniType<Path>;
  query?: z.ZodMiniType<Query>;
  /**
   * The services the handler is given, by name (shared/compose/): what they import is what the bundle
   * carries, and what they need is what the role grants. A route with a session is given `sessions` too.
   */
  services?: S;
  memory?: keyof typeof MEMORY_MB;
  /** Takes a form another site posts (shared/http/handler.ts): no origin check. */
  crossSitePost?: true;
}

export type ApiRoute = ApiHandler & { readonly route: RouteDeclaration<unknown> };

/** The route's services built from the settings, by name, as a handler's `compose` gives them. */
export const composeServices =
  (route: RouteDeclaration<unknown, SessionMode, Record<string, ServiceBuilder<unknown>>>) =>
  (config: Settings) =>
    Object.fromEntries(Object.entries(route.services ?? {}).map(([name, build]) => [name, build(config)]));

/** The handler, carrying its declaration for the stack, the document and the tests to read. */
export const declared = (handler: ApiHandler, route: unknown): ApiRoute =>
  Object.assign(handler, { route: route as RouteDeclaration<unknown> });

/**
 * The handler of a declared route that reads no session: the declaration's middleware, then `step`, the
 * business step alone. A route with a session is a `sessionRoute` (shared/http/session-handler.ts), apart
 * so that routes without one never bundle the session code.
 */
export function apiRoute<
  Body = undefined,
  S extends Record<string, ServiceBuilder<unknown>> = Record<never, never>,
  Path = undefined,
  Query = undefined,
>(
  route: RouteDeclaration<Body, 'none', S, Path, Query>,
  step: (input: HandlerInput<Body, 'none', Composed<Built<S>>, Path, Query>) => Promise<HttpResult>,
): ApiRoute {
  return declared(httpHandler({ ...route, compose: composeServices(route as never) }, step as never), route);
}
