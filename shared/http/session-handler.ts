import type { Sessions } from '#shared/auth/sessions';
import { requireRecentProof } from '#shared/auth/step-up';
import { systemClock } from '#shared/platform/clock';
import { sessionsService } from '#shared/compose/sessions';
import type { HttpResult } from '#shared/http/response';
import {
  type ApiHandler,
  type Composed,
  type HandlerInput,
  type HandlerOptions,
  httpHandler,
} from '#shared/http/handler';
import type { Settings } from '#shared/platform/config';
import type { ServiceBuilder } from '#shared/compose/needs';
import {
  type ApiRoute,
  type Built,
  composeServices,
  declared,
  type RouteDeclaration,
} from '#shared/http/route';

/** What every route with a session is given besides its own services. */
export type WithSessions<C> = C & { sessions: Promise<Sessions> };

/**
 * A route that reads the caller's session (`required`: 401 without one; `optional`: `null`): the handler
 * of httpHandler with the sessions service composed for it, so a route names only the services of its own.
 * Apart from httpHandler so that routes without a session never bundle the session code.
 */
export function sessionHandler<
  Mode extends 'required' | 'optional',
  Body = undefined,
  C extends Record<string, unknown> = Record<never, never>,
  Path = undefined,
  Query = undefined,
>(
  options: Omit<HandlerOptions<Body, Mode, C, Path, Query>, 'session'> & {
    session: Mode;
    /**
     * A sensitive change (shared/auth/step-up.ts): the session must carry a proof of who the user is made
     * within REAUTH_WINDOW_SECONDS, else 403 `reauthentication_required` before anything is done.
     */
    stepUp?: true;
  },
  step: (input: HandlerInput<Body, Mode, Composed<WithSessions<C>>, Path, Query>) => Promise<HttpResult>,
): ApiHandler {
  const compose = (config: Settings): WithSessions<C> => ({
    ...(options.compose?.(config) ?? ({} as C)),
    sessions: sessionsService(config),
  });
  const guarded: typeof step = options.stepUp
    ? async (input) => {
        if (input.session)
          requireRecentProof(input.session, systemClock(), input.settings.REAUTH_WINDOW_SECONDS);
        return step(input);
      }
    : step;
  return httpHandler<Body, Mode, WithSessions<C>, Path, Query>({ ...options, compose }, guarded);
}

/**
 * The handler of a declared route that reads the caller's session (`required` or `optional`), with
 * `sessions` composed for it beside its own services, and the step-up check where it declares one.
 */
export function sessionRoute<
  Mode extends 'required' | 'optional',
  Body = undefined,
  S extends Record<string, ServiceBuilder<unknown>> = Record<never, never>,
  Path = undefined,
  Query = undefined,
>(
  route: RouteDeclaration<Body, Mode, S, Path, Query> & { session: Mode },
  step: (
    input: HandlerInput<Body, Mode, Composed<WithSessions<Built<S>>>, Path, Query>,
  ) => Promise<HttpResult>,
): ApiRoute {
  return declared(
    sessionHandler({ ...route, compose: composeServices(route as never) as never }, step as never),
    route,
  );
}
