import { Annotations, CfnOutput, Fn, type RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '#shared/http/edge';

/** The secret CloudFront sends to the API, created before the functions (they are given it) and the edge. */
export function createOriginSecret(scope: Construct, removalPolicy: RemovalPolicy): Secret {
  const secret = new Secret(scope, 'OriginVerify', {
    description:
      'Pistus edge: the x-origin-verify header CloudFront adds to every request; the API refuses requests without it.',
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    removalPolicy,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The value is in the distribution and the functions at deploy time; rotating it is a redeploy, which ' +
      'updates both together. A rotation Lambda would change it under them and refuse every request.',
  });
  return secret;
}

export interface EdgeProps {
  api: HttpApi;
  originSecret: Secret;
  stage: string;
  /** Requests one viewer address may make in 5 minutes before the web ACL blocks it (WAF's window). */
  ratePerFiveMinutes: number;
}

/**
 * Optional production edge (docs/deploy.md, "The edge"): CloudFront in front of the HTTP API with an AWS
 * WAF web ACL whose rate-based rule blocks any one viewer address over its limit, before a request reaches
 * API Gateway. HTTP APIs cannot take a web ACL themselves, hence CloudFront. Nothing is cached; cookies,
 * query strings and every viewer header but Host go to the API, so cookies and CORS behave as without it.
 * The API answers only requests that carry the origin secret, so the ACL cannot be gone around.
 */
export class Edge extends Construct {
  readonly distribution: Distribution;
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // CloudFront's web ACLs live in us-east-1 only (WAF scope CLOUDFRONT).
    if (!Token.isUnresolved(stack.region) && stack.region !== 'us-east-1')
      Annotations.of(this).addError(
        `edge: CloudFront's web ACL must be created in us-east-1; this stack is in ${stack.region}`,
      );
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName: `pistus-${props.stage}-${name}`,
      sampledRequestsEnabled: true,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `pistus-${props.stage}-edge`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('edge'),
      customResponseBodies: {
        'too-many-requests': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: {
              code: 'too_many_requests',
              message: 'Too many requests from this address. Please wait.',
            },
          }),
        },
      },
      rules: [
        {
          name: 'per-address-rate',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: props.ratePerFiveMinutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'too-many-requests',
                responseHeaders: [{ name: 'retry-after', value: '300' }],
              },
            },
          },
          visibilityConfig: metric('per-address-rate'),
        },
      ],
    });

    // https://<id>.execute-api.<region>.amazonaws.com: the host part of the API's endpoint.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `pistus-${props.stage} API edge`,
      webAclId: this.webAcl.attrArn,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originSecret.secretValue.unsafeUnwrap() },
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        // An API of personal answers: nothing is cached, everything the viewer sent but Host goes through,
        // with CloudFront-Viewer-Address, the address the functions count per client.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason: 'Accounts are for anyone anywhere; the rate-based rule, not geography, is what limits abuse.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR3',
        reason:
          "API Gateway's access log records every request that reaches the API, and WAF's sampled requests and " +
          'metrics show the blocked ones; a CloudFront log bucket would duplicate them.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          "The distribution's default *.cloudfront.net certificate fixes the viewer TLS policy; with a custom domain " +
          'and certificate set minimumProtocolVersion to TLS 1.2_2021 (docs/deploy.md).',
      },
    );
    new CfnOutput(stack, 'EdgeUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }
}
