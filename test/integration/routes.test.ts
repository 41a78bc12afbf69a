import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { servedRouteKeys } from '#infra/local/api-server';
import { PistusStack } from '#infra/pistus-stack';
import { parseStackSettings } from '#infra/stack-settings';
import { call } from './http-client.ts';

const templateRouteKeys = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PistusStack(app, 'Routes', { settings: parseStackSettings({ deployId: 'test' }) });
  return Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map(
    (route) => route.Properties.RouteKey as string,
  );
};

describe('the local runtime and the stack', () => {
  const keys = templateRouteKeys();

  it('route the same set of keys', () => {
    expect(servedRouteKeys().sort()).toEqual([...keys].sort());
  });

  it('every route of the synthesized template reaches its function locally', async () => {
    for (const key of keys.filter((k) => k !== '$default')) {
      const [method, path] = key.split(' ') as [string, string];
      const response = await call(method, path.replace('{id}', crypto.randomUUID()));
      // Anything but the catch-all's JSON 404 (without a session most answer 401, 415 or 204).
      expect(response.status, key).not.toBe(404);
    }
  });
});
