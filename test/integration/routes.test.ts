import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { servedRouteKeys } from '#infra/local/api-server';
import { PistusStack } from '#infra/pistus-stack';
import { routeKeys } from '#infra/routes';
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
 * route wired to the wrong function (or to none) fails here. Every declared route must have a line. A route
 * that needs a session says 401 before it reads the body.
 */
const WITHOUT_SESSION: Record<string, [status: number, code?: string]> = {
  'POST /signup': [400, 'invalid_input'],
  'POST /login': [400, 'invalid_input'],
  'POST /logout': [204],
  'DELETE /logout': [204],
  'GET /check_session': [204],
  'GET /home': [401, 'unauthorized'],
  'POST /home': [401, 'unauthorized'],
  'POST /password': [401, 'unauthorized'],
  'PUT /email': [401, 'unauthorized'],
  'POST /email/verify': [400, 'invalid_input'],
  'POST /password/forgot': [400, 'invalid_input'],
  'POST /password/reset': [400, 'invalid_input'],
  'POST /login/mfa': [400, 'invalid_input'],
  'POST /reauth': [401, 'unauthorized'],
  'POST /mfa/totp': [401, 'unauthorized'],
  'POST /mfa/totp/confirm': [401, 'unauthorized'],
  'DELETE /mfa/totp': [401, 'unauthorized'],
  'POST /mfa/recovery-codes': [401, 'unauthorized'],
  'POST /passkeys/register/options': [401, 'unauthorized'],
  'POST /passkeys/register': [401, 'unauthorized'],
  'GET /passkeys': [401, 'unauthorized'],
  'DELETE /passkeys/{id}': [401, 'unauthorized'],
  'POST /passkeys/login/options': [200],
  'POST /passkeys/login': [400, 'invalid_input'],
  'DELETE /sessions': [401, 'unauthorized'],
  'GET /sessions': [401, 'unauthorized'],
  'DELETE /sessions/{id}': [401, 'unauthorized'],
  'POST /registrations': [401, 'unauthorized'],
  'GET /registrations': [401, 'unauthorized'],
  'GET /registrations/{id}': [401, 'unauthorized'],
  'DELETE /registrations/{id}': [401, 'unauthorized'],
  'POST /registrations/{id}/payment': [401, 'unauthorized'],
  $default: [404, 'not_found'],
};

describe('the local runtime and the stack', () => {
  it('route the same set of keys, each declared once', () => {
    expect(servedRouteKeys().sort()).toEqual(templateRouteKeys().sort());
    expect(new Set(routeKeys()).size).toBe(routeKeys().length);
  });

  // Every function's first request starts its worker (a cold start each): 30-odd of them in a row.
  it("answer every declared route with its own function's answer", { timeout: 90_000 }, async () => {
    expect(Object.keys(WITHOUT_SESSION).sort()).toEqual(routeKeys().sort());
    for (const key of routeKeys()) {
      const [method, path] =
        key === '$default' ? ['GET', '/no/such/route'] : (key.split(' ') as [string, string]);
      const response = await call(
        method,
        path.replace('{id}', crypto.randomUUID()),
        method === 'GET' ? {} : { json: {} },
      );
      const [status, code] = WITHOUT_SESSION[key] ?? [];
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
