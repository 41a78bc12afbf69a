import type { Sessions } from '#shared/auth/sessions';
import { requireRecentProof } from '#shared/auth/step-up';
import { systemClock } from '#shared/platform/clock';
import { forbidden } from '#shared/platform/outcomes';
import { sessionsService } from '#shared/compose/sessions';
import type { HttpResult } from '#shared/http/response';
import { type Composed, type HandlerInput, httpHandler } from '#shared/http/handler';
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
 * The handler of a declared route that reads the caller's session (`required`: 401 without one; `optional`:
 * `null`). `sessions` is put among its services, so the handler is given it and the role granted what it
 * needs, and the step-up check runs before the step where the route declares one. Apart from `apiRoute` so
 * that routes without a session never bundle the session code.
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
  const withSessions = { ...route, services: { ...route.services, sessions: sessionsService } };
  const guarded: typeof step =
    route.stepUp || route.admin
      ? async (input) => {
          if (route.admin && input.session?.role !== 'admin') throw forbidden('This needs an administrator.');
          if (route.stepUp && input.session)
            requireRecentProof(input.session, systemClock(), input.settings.REAUTH_WINDOW_SECONDS);
          return step(input);
        }
      : step;
  return declared(
    httpHandler(
      { ...withSessions, compose: composeServices(withSessions as never) as never },
      guarded as never,
    ),
    withSessions,
  );
}
