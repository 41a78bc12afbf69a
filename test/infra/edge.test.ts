import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PistusStack } from '#infra/pistus-stack';
import { parseStackSettings } from '#infra/stack-settings';
import { describe, expect, it } from 'vitest';
import { apiFunctions, jobs, subscribers } from '#infra/routes';
import { synth } from './synth.ts';

const US_EAST_1 = { account: '111111111111', region: 'us-east-1' };

describe('the edge (CloudFront and AWS WAF in front of the API)', () => {
  it('is off by default: no distribution, no web ACL, no origin secret', () => {
    const template = synth();
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ORIGIN_VERIFY_SECRET');
  });

  const template = synth({ edge: 'true', edgeRateLimit: '1500' }, US_EAST_1);

  it('blocks one viewer address over its rate with the contract error shape, 429 and Retry-After', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Statement: {
            RateBasedStatement: { Limit: 1500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
          },
          Action: {
            Block: {
              CustomResponse: {
                ResponseCode: 429,
                CustomResponseBodyKey: 'too-many-requests',
                ResponseHeaders: [{ Name: 'retry-after', Value: '300' }],
              },
            },
          },
        }),
      ],
      CustomResponseBodies: {
        'too-many-requests': {
          ContentType: 'APPLICATION_JSON',
          Content: Match.stringLikeRegexp('"code":"too_many_requests"'),
        },
      },
    });
  });

  it('puts the web ACL on a distribution that caches nothing and passes cookies and headers through, but Host', () => {
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution?.Properties.DistributionConfig;
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EdgeWebAcl/), 'Arn'] });
    const behavior = config.DefaultCacheBehavior;
    // AWS's managed policies: CachingDisabled, and AllViewerExceptHostHeader (with CloudFront-Viewer-Address).
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(behavior.ViewerProtocolPolicy).toBe('https-only');
    const [origin] = config.Origins;
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(JSON.stringify(origin.DomainName)).toContain('ApiF70053CD');
    expect(origin.OriginCustomHeaders).toEqual([
      {
        HeaderName: 'x-origin-verify',
        HeaderValue: expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
      },
    ]);
    expect(JSON.stringify(origin.OriginCustomHeaders)).toContain('resolve:secretsmanager');
  });

  it('gives every API function the origin secret, so requests that go around CloudFront are refused; no job or subscriber gets it', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const envOf = (name: string) =>
      Object.entries(functions).find(([id]) =>
        id.startsWith(`${name.replace(/[^A-Za-z0-9]/g, '')}Function`),
      )?.[1].Properties.Environment.Variables as Record<string, unknown>;
    for (const fn of apiFunctions)
      expect(JSON.stringify(envOf(fn.name).ORIGIN_VERIFY_SECRET), fn.name).toContain('OriginVerify');
    for (const fn of [...jobs, ...subscribers])
      expect(envOf(fn.name), fn.name).not.toHaveProperty('ORIGIN_VERIFY_SECRET');
  });

  it('prints the edge URL, and refuses a stack outside us-east-1, where CloudFront web ACLs cannot be made', () => {
    template.hasOutput('EdgeUrl', {});
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new PistusStack(app, 'Elsewhere', {
      settings: parseStackSettings({ edge: 'true' }),
      env: { account: '111111111111', region: 'eu-west-1' },
    });
    Annotations.fromStack(stack).hasError(
      '*',
      Match.stringLikeRegexp('web ACL must be created in us-east-1'),
    );
  });

  it('passes cdk-nag in both stages (synth throws on an unacknowledged finding)', () => {
    expect(() => synth({ edge: 'true', stage: 'prod' }, US_EAST_1)).not.toThrow();
  });
});
