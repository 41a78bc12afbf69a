import { Duration, type RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpIntegrationType,
  HttpMethod,
  HttpRoute,
  HttpRouteIntegration,
  type HttpRouteIntegrationConfig,
  HttpRouteKey,
  HttpStage,
  IntegrationCredentials,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { type IRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InlinePolicyRole } from '#infra/constructs/inline-policy-role';
import { type ApiFunctionDeclaration, corsPolicy } from '#infra/routes';
import type { StackSettings } from '#infra/stack-settings';

export interface StackApi {
  api: HttpApi;
  /** Routes a function's route keys to it, through one integration. */
  routeTo(declaration: ApiFunctionDeclaration, fn: IFunction): void;
}

/**
 * The HTTP API: CORS only for configured origins, its stage with throttling and access logs, and the role
 * its integrations invoke the functions with.
 */
export function createApi(stack: Stack, settings: StackSettings, removalPolicy: RemovalPolicy): StackApi {
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
  const invoker = apiInvoker(stack);
  return {
    api,
    routeTo(declaration, fn) {
      invoker.allow(fn);
      routeTo(
        api,
        declaration,
        new LambdaIntegrationWithRole(`${declaration.name}-integration`, fn, invoker.role),
      );
    },
  };
}

/**
 * The role API Gateway assumes to invoke the API's functions (each integration's credentials), allowed
 * `lambda:InvokeFunction` on exactly those functions, in one statement of its inline policy. It stands in
 * for a resource-based permission (AWS::Lambda::Permission) per route: one resource for the whole API
 * instead of one per route, against CloudFormation's 500 per stack. The jobs, the queue consumers and the
 * mail-feedback subscriber are not in it: API Gateway cannot invoke them.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-integration.html
 */
function apiInvoker(stack: Stack) {
  const invoke = new PolicyStatement({ actions: ['lambda:InvokeFunction'] });
  const role = new InlinePolicyRole(stack, 'ApiInvokeRole', {
    assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
    description: 'API Gateway invokes the API functions with this role (integration credentials)',
  });
  role.addToPrincipalPolicy(invoke);
  return { role, allow: (fn: IFunction) => invoke.addResources(fn.functionArn) };
}

/**
 * A Lambda proxy integration (payload 2.0) that API Gateway calls with the given role's credentials. CDK's
 * `HttpLambdaIntegration` instead adds a Lambda permission for API Gateway on each route it is bound to;
 * this one adds nothing to the function (`completeBind` is the base class's, which does nothing).
 */
class LambdaIntegrationWithRole extends HttpRouteIntegration {
  private readonly fn: IFunction;
  private readonly role: IRole;

  constructor(id: string, fn: IFunction, role: IRole) {
    super(id);
    this.fn = fn;
    this.role = role;
  }

  override bind(): HttpRouteIntegrationConfig {
    return {
      type: HttpIntegrationType.AWS_PROXY,
      uri: this.fn.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      credentials: IntegrationCredentials.fromRole(this.role),
    };
  }
}

/** A function's route keys, each on its one integration; `$default` catches whatever no other route matches. */
function routeTo(api: HttpApi, declaration: ApiFunctionDeclaration, integration: HttpRouteIntegration): void {
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
