import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TokenProtectedApi } from '#infra/constructs/token-protected-api';
import { discoveryDocument } from '#shared/auth/access-tokens';
import { synth } from './synth.ts';

/**
 * Another team's API behind API Gateway's JWT authorizer (infra/constructs/token-protected-api.ts): its
 * issuer and audience must be what the Pistus stage's discovery document and token function say, or
 * every token is refused.
 */
describe('an HTTP API behind the JWT authorizer, trusting a Pistus stage', () => {
  const context = { apiUrl: 'https://auth.school.example', tokenAudiences: 'orders-api,billing-api' };
  const pistus = synth(context);
  const environmentOf = (name: string) => {
    const [, fn] =
      Object.entries(pistus.findResources('AWS::Lambda::Function')).find(([id]) =>
        id.startsWith(`${name.replace(/[^A-Za-z0-9]/g, '')}Function`),
      ) ?? [];
    return (fn?.Properties.Environment?.Variables ?? {}) as Record<string, string>;
  };

  it("trusts the issuer of the stage's discovery document and an audience its token function issues for", () => {
    // What the deployed discovery function answers: its issuer from the environment the stack gives it.
    const discovery = discoveryDocument(environmentOf('openid-configuration').API_URL as string);
    const audiences = String(environmentOf('issue-token').TOKEN_AUDIENCES).split(',');
    // The token function signs with the issuer the discovery function names: the same setting, set alike.
    expect(environmentOf('issue-token').API_URL).toBe(environmentOf('openid-configuration').API_URL);
    expect(discovery.issuer).toBe('https://auth.school.example');
    expect(audiences).toContain('orders-api');

    const stack = new Stack(new App(), 'Orders');
    new TokenProtectedApi(stack, 'Orders', {
      issuer: discovery.issuer,
      audience: 'orders-api',
      upstream: 'https://orders.internal.example',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: discovery.issuer, Audience: ['orders-api'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /{proxy+}',
      AuthorizationType: 'JWT',
    });
    // API Gateway fetches `${issuer}/.well-known/openid-configuration`, whose jwks_uri is the key set.
    expect(discovery.jwks_uri).toBe('https://auth.school.example/.well-known/jwks.json');
  });
});
