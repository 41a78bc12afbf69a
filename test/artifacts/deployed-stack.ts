import { pathToFileURL } from 'node:url';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiServer } from '#infra/local/api-server';
import { type RunningEmulator, startDynalite } from '#infra/local/dynamodb';
import { createFunctionRuntime, type FunctionRuntime } from '#infra/local/function-runtime';
import { startSesEmulator } from '#infra/local/ses';
import { type AwsStandIn, type Refusal, startAwsStandIn } from './aws-stand-in.ts';
import { deployedModel, type DeployedModel, type Template, type TemplateFunction } from './template.ts';

export interface DeployedFunction {
  model: TemplateFunction;
  runtime: FunctionRuntime;
  aws: AwsStandIn;
  /** Everything it wrote to stdout and stderr: what CloudWatch Logs would hold. */
  logs: string[];
}

export interface DeployedStack {
  model: DeployedModel;
  apiUrl: string;
  sesUrl: string;
  dynamodbEndpoint: string;
  functions: Map<string, DeployedFunction>;
  refusals(): Refusal[];
  stop(): Promise<void>;
}

/**
 * A stage as the template deploys it, on this machine: its tables (from the template's definitions) in
 * dynalite, each function's synthesized bundle in a process of its own with only the template's
 * environment, its AWS calls checked against its own IAM statements, and the API's routes, integrations and
 * CORS configuration from the template in front.
 */
export async function startDeployedStack(options: {
  template: Template;
  templateFile: string;
  stackName: string;
  /** Variables added to one function's environment, or removed with `undefined` (tests of the checks). */
  environmentOverrides?: Record<string, Record<string, string | undefined>>;
}): Promise<DeployedStack> {
  const model = deployedModel(options.template, options.templateFile, options.stackName);
  const emulators: RunningEmulator[] = [];
  const dynamodb = await startDynalite({ port: 0 });
  emulators.push(dynamodb);
  const ses = await startSesEmulator(0);
  emulators.push(ses);
  await createTables(model, dynamodb.endpoint);

  const functions = new Map<string, DeployedFunction>();
  for (const fn of model.functions) {
    const aws = await startAwsStandIn({
      functionName: fn.name,
      roleArn: fn.roleArn,
      statements: fn.statements,
      dynamodbEndpoint: dynamodb.endpoint,
      sesEndpoint: ses.endpoint,
      secrets: model.secrets,
    });
    const overrides = options.environmentOverrides?.[fn.name] ?? {};
    const environment = Object.fromEntries(
      Object.entries({ ...fn.environment, AWS_ENDPOINT_URL: aws.endpoint, ...overrides }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    const logs: string[] = [];
    const runtime = createFunctionRuntime({
      functionName: fn.name,
      moduleUrl: pathToFileURL(fn.bundle).href,
      environment,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
      isolation: 'process',
      onOutput: (text) => logs.push(text),
    });
    functions.set(fn.name, { model: fn, runtime, aws, logs });
  }

  const byLogicalId = new Map([...functions.values()].map((fn) => [fn.model.logicalId, fn.runtime]));
  const routes = new Map(
    [...model.routes].map(([routeKey, logicalId]) => {
      const runtime = byLogicalId.get(logicalId);
      if (!runtime) throw new Error(`route ${routeKey} integrates ${logicalId}, which is not a function`);
      return [routeKey, runtime] as const;
    }),
  );
  const api: Server = createApiServer({ routes, cors: model.cors });
  await new Promise<void>((ready) => api.listen(0, '127.0.0.1', ready));

  return {
    model,
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    sesUrl: ses.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
    functions,
    refusals: () => [...functions.values()].flatMap((fn) => fn.aws.refusals),
    async stop() {
      api.closeAllConnections();
      await new Promise((done) => api.close(done));
      await Promise.all(
        [...functions.values()].map(async (fn) => Promise.all([fn.runtime.stop(), fn.aws.stop()])),
      );
      await Promise.all(emulators.map((emulator) => emulator.stop()));
    },
  };
}

/** The template's tables as CreateTable requests: keys, attribute types and indexes as declared there. */
async function createTables(model: DeployedModel, endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const { name, definition } of model.tables) {
    const indexes = definition.GlobalSecondaryIndexes as
      { IndexName: string; KeySchema: unknown; Projection: unknown }[] | undefined;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: definition.AttributeDefinitions as never,
        KeySchema: definition.KeySchema as never,
        ...(indexes?.length
          ? {
              GlobalSecondaryIndexes: indexes.map((index) => ({
                IndexName: index.IndexName,
                KeySchema: index.KeySchema as never,
                Projection: index.Projection as never,
              })),
            }
          : {}),
      }),
    );
  }
  client.destroy();
}
