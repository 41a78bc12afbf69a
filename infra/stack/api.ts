import { Duration, type RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ApiFunctionDeclaration, corsPolicy } from '#infra/routes';
import type { StackSettings } from '#infra/stack-settings';

/** The HTTP API: CORS only for configured origins, its stage with throttling and access logs. */
export function createApi(stack: Stack, settings: StackSettings, removalPolicy: RemovalPolicy): HttpApi {
  const api = new HttpApi(stack, 'Api', {
    apiName: `pistus-${settings.stage}`,
    createDefaultStage: false,
    ...(settings.allowedOrigins.length
      ? {
          corsPreflight: {
            allowOrigins: settings.allowedOrigins,
            allowCredentials: true,
            allowMethods: corsPolicy.allowMethods.map((method) => CorsHttpMethod[method]),
            allowHeaders: [...corsPolicy.allowHeaders],
            maxAge: Duration.seconds(corsPolicy.maxAgeSeconds),
          },
        }
      : {}),
  });
  Validations.of(api).acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG4',
    reason:
      'Authentication is what this API provides: signup, login, logout and check_session are public by design, and ' +
      'every other route verifies the session cookie or bearer token and its server-side session in the function. ' +
      'An API Gateway JWT authorizer cannot read an HttpOnly cookie nor see a revoked session.',
  });
  const accessLogs = new LogGroup(stack, 'ApiAccessLogs', {
    retention: RetentionDays.THREE_MONTHS,
    removalPolicy,
  });
  new HttpStage(stack, 'DefaultStage', {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    // The outer guard against floods; per-account brute-force limits live in the functions (DynamoDB counters).
    throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      // Request facts only: no headers, so no cookie or Authorization value is ever logged.
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          time: '$context.requestTime',
          ip: '$context.identity.sourceIp',
          method: '$context.httpMethod',
          routeKey: '$context.routeKey',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
          userAgent: '$context.identity.userAgent',
        }),
      ),
    },
  });
  return api;
}

/** A function's route keys, each integrated with it; `$default` catches whatever no other route matches. */
export function routeTo(api: HttpApi, declaration: ApiFunctionDeclaration, fn: IFunction): void {
  const integration = new HttpLambdaIntegration(`${declaration.name}-integration`, fn);
  for (const routeKey of declaration.routes) {
    if (routeKey === '$default') {
      new HttpRoute(api, `${declaration.name}-default-route`, {
        httpApi: api,
        routeKey: HttpRouteKey.DEFAULT,
        integration,
      });
      continue;
    }
    const [method, path] = routeKey.split(' ') as [keyof typeof HttpMethod, string];
    api.addRoutes({ path, methods: [HttpMethod[method]], integration });
  }
}
