import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { servedRouteKeys } from '#infra/local/api-server';
import { PistusStack } from '#infra/pistus-stack';
import { apiFunctions, routeKeys } from '#infra/routes';
import { parseStackSettings } from '#infra/stack-settings';
import { call, errorCode } from './http-client.ts';

const templateRouteKeys = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PistusStack(app, 'Routes', { settings: parseStackSettings({}) });
  return Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map(
    (route) => route.Properties.RouteKey as string,
  );
};

/**
 * What each route answers a client with no session and an empty JSON body: its own function's answer, so a
 * route wired to the wrong function (or to none) fails here. A route whose declaration requires a session
 * says 401 before it reads the body; every other route has a line here.
 */
const WITHOUT_SESSION: Record<string, [status: number, code?: string]> = {
  'POST /signup': [400, 'invalid_input'],
  'POST /login': [400, 'invalid_input'],
  'POST /logout': [204],
  'DELETE /logout': [204],
  'GET /check_session': [204],
  'POST /email/verify': [400, 'invalid_input'],
  'POST /password/forgot': [400, 'invalid_input'],
  'POST /password/reset': [400, 'invalid_input'],
  'POST /login/mfa': [400, 'invalid_input'],
  'POST /passkeys/login/options': [200],
  'POST /passkeys/login': [400, 'invalid_input'],
  'GET /auth/providers': [200],
  'GET /.well-known/openid-configuration': [200],
  'GET /.well-known/jwks.json': [200],
  // `{provider}` as written in the key is no provider id.
  'GET /auth/{provider}/start': [400, 'invalid_input'],
  'GET /auth/{provider}/callback': [400, 'invalid_input'],
  'POST /auth/{provider}/callback': [400, 'invalid_input'],
  $default: [404, 'not_found'],
};

describe('the local runtime and the stack', () => {
  it('route the same set of keys, each declared once', () => {
    expect(servedRouteKeys().sort()).toEqual(templateRouteKeys().sort());
    expect(new Set(routeKeys()).size).toBe(routeKeys().length);
  });

  // Every function's first request starts its worker (a cold start each): 30-odd of them in a row.
  it("answer every declared route with its own function's answer", { timeout: 90_000 }, async () => {
    const routes = apiFunctions.flatMap(({ route }) => route.routes.map((key) => ({ key, route })));
    const expected = new Map(
      routes.map(({ key, route }) => [
        key,
        route.session === 'required' ? ([401, 'unauthorized'] as const) : WITHOUT_SESSION[key],
      ]),
    );
    expect(Object.keys(WITHOUT_SESSION).sort()).toEqual(
      routes
        .filter(({ route }) => route.session !== 'required')
        .map(({ key }) => key)
        .sort(),
    );
    for (const { key, route } of routes) {
      const [method, path] =
        key === '$default' ? ['GET', '/no/such/route'] : (key.split(' ') as [string, string]);
      const response = await call(
        method,
        path.replace('{id}', crypto.randomUUID()),
        method === 'GET' ? {} : { json: {} },
      );
      const [status, code] = expected.get(key) ?? [];
      // The answer is one its declaration describes (401 is the document builder's for a required session).
      if (route.doc && status !== 401)
        expect(Object.keys(route.doc.responses), key).toContain(String(status));
      expect({ key, status: response.status, code: response.text ? errorCode(response) : undefined }).toEqual(
        {
          key,
          status,
          code,
        },
      );
    }
  });
});
