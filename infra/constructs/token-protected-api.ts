import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Construct } from 'constructs';

export interface TokenProtectedApiProps {
  /** Pistus's issuer: the `issuer` of its `/.well-known/openid-configuration` (the stage's API address). */
  issuer: string;
  /** The audience this API accepts: one of the Pistus stage's `tokenAudiences`. */
  audience: string;
  /** Where the API's requests go once their token is verified (the team's own service). */
  upstream: string;
}

/**
 * An example for another team's stack (not part of Pistus's): an HTTP API whose every route is behind API
 * Gateway's JWT authorizer, trusting Pistus's access tokens. API Gateway reads the issuer's discovery
 * document and key set itself, checks the signature (ES256), `iss`, `aud` and `exp`, and hands the
 * claims (`sub`, `role`) to the integration: no call to Pistus per request, and no code. Pistus's
 * discovery and key set must be reachable from the internet (they are, on a deployed stage).
 * docs/deploy.md, "Access tokens", shows it in use.
 */
export class TokenProtectedApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: TokenProtectedApiProps) {
    super(scope, id);
    const authorizer = new HttpJwtAuthorizer('PistusAccessTokens', props.issuer, {
      jwtAudience: [props.audience],
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'Api', { defaultAuthorizer: authorizer });
    this.api.addRoutes({
      path: '/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpUrlIntegration('Upstream', `${props.upstream.replace(/\/+$/, '')}/{proxy}`),
    });
  }
}
