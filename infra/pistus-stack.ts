import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { PistusFunction } from '#infra/constructs/api-function';
import { apiFunctions, corsPolicy, type Secret as SecretName, type TableAccess } from '#infra/routes';
import type { StackSettings } from '#infra/stack-settings';
import { keyType, type TableDeclaration, tables } from '#shared/tables';

export interface PistusStackProps extends StackProps {
  settings: StackSettings;
}

const attributeType = (table: TableDeclaration, name: string) =>
  keyType(table, name) === 'N' ? AttributeType.NUMBER : AttributeType.STRING;

export class PistusStack extends Stack {
  constructor(scope: Construct, id: string, props: PistusStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const prod = settings.stage === 'prod';
    // prod keeps its data when the stack goes; dev can be torn down completely.
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('pistus:stage', settings.stage);

    const tableResources = new Map(
      tables.map((table) => {
        const resource = new TableV2(this, `${table.name}-table`, {
          partitionKey: { name: table.partitionKey, type: attributeType(table, table.partitionKey) },
          timeToLiveAttribute: table.timeToLiveAttribute,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: prod,
          removalPolicy,
          globalSecondaryIndexes: table.indexes.map((index) => ({
            indexName: index.name,
            partitionKey: { name: index.partitionKey, type: attributeType(table, index.partitionKey) },
            sortKey: { name: index.sortKey, type: attributeType(table, index.sortKey) },
          })),
        });
        return [table.name, resource] as const;
      }),
    );

    const secrets: Record<SecretName, Secret> = {
      'signing-keys': new Secret(this, 'SigningKeys', {
        description: 'Pistus JWT signing keys: {"kid","secret","previous":[...]}; the top-level key signs.',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ kid: 'k1' }),
          generateStringKey: 'secret',
          passwordLength: 64,
          excludePunctuation: true,
        },
        removalPolicy,
      }),
      'password-pepper': new Secret(this, 'PasswordPepper', {
        description:
          'Pistus password pepper (HMAC key of the bcrypt pre-hash). Changing it invalidates every password.',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    };
    const secretEnv: Record<SecretName, string> = {
      'signing-keys': 'SIGNING_SECRET_ARN',
      'password-pepper': 'PEPPER_SECRET_ARN',
    };

    const api = new HttpApi(this, 'Api', {
      apiName: `pistus-${settings.stage}`,
      createDefaultStage: true,
      ...(settings.allowedOrigins.length
        ? {
            corsPreflight: {
              allowOrigins: settings.allowedOrigins,
              allowCredentials: true,
              allowMethods: corsPolicy.allowMethods.map((method) => CorsHttpMethod[method]),
              allowHeaders: [...corsPolicy.allowHeaders],
            },
          }
        : {}),
    });

    const sharedEnvironment: Record<string, string> = {
      STAGE: settings.stage,
      ALLOWED_ORIGINS: settings.allowedOrigins.join(','),
      COOKIE_SAME_SITE: settings.cookieSameSite,
      SESSION_TTL_SECONDS: String(settings.sessionTtlSeconds),
      BCRYPT_COST: String(settings.bcryptCost),
      ...Object.fromEntries(
        tables.map((table) => [table.envVar, tableResources.get(table.name)?.tableName ?? '']),
      ),
    };

    for (const declaration of apiFunctions) {
      const { function: fn } = new PistusFunction(this, declaration.name, {
        name: declaration.name,
        memoryMb: declaration.memoryMb,
        removalPolicy,
        environment: {
          ...sharedEnvironment,
          ...Object.fromEntries(
            declaration.secrets.map((name) => [secretEnv[name], secrets[name].secretArn]),
          ),
        },
      });
      for (const { table, access } of declaration.tables) grant(tableResources.get(table.name), access, fn);
      for (const name of declaration.secrets) secrets[name].grantRead(fn);

      const integration = new HttpLambdaIntegration(`${declaration.name}-integration`, fn);
      for (const routeKey of declaration.routes) {
        if (routeKey === '$default') {
          new HttpRoute(this, `${declaration.name}-default-route`, {
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

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    for (const [name, table] of tableResources)
      new CfnOutput(this, `${name}TableName`, { value: table.tableName });
  }
}

function grant(table: TableV2 | undefined, access: TableAccess, fn: PistusFunction['function']) {
  if (!table) throw new Error('route declares a table the stack does not have');
  if (access === 'read') table.grantReadData(fn);
  else if (access === 'write') table.grantWriteData(fn);
  else table.grantReadWriteData(fn);
}
