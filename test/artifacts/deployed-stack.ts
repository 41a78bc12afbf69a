import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApiServer } from '#infra/local/api-server';
import { type RunningEmulator, startDynalite } from '#infra/local/dynamodb';
import {
  createFunctionRuntime,
  type FunctionError,
  type FunctionRuntime,
} from '#infra/local/function-runtime';
import type { InvocationReport } from '#infra/local/function-host';
import { startSesEmulator } from '#infra/local/ses';
import { localSqsClient, startSqsEmulator } from '#infra/local/sqs';
import { startEventSourceMapping } from '#infra/local/event-source-mapping';
import { CreateQueueCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type AwsStandIn, type Refusal, type StandInFault, startAwsStandIn } from './aws-stand-in.ts';
import { type Access, isAllowed } from './iam.ts';
import {
  deployedModel,
  type DeployedModel,
  loadTemplate,
  SQS_ENDPOINT,
  type Template,
  type TemplateFunction,
  type TemplateMapping,
  type TemplateQueue,
} from './template.ts';

export interface DeployedFunction {
  model: TemplateFunction;
  runtime: FunctionRuntime;
  aws: AwsStandIn;
  /** Everything it wrote to stdout and stderr: what CloudWatch Logs would hold. */
  logs: string[];
  /** Each answered invocation's REPORT: duration, CPU time and peak memory of its container. */
  reports: (InvocationReport & { requestId: string })[];
}

export interface DeployedStack {
  /** The stack's name, from its template's file name (`Pistus-dev`). */
  stackName: string;
  model: DeployedModel;
  apiUrl: string;
  sesUrl: string;
  dynamodbEndpoint: string;
  /** A client to the stage's tables, as an operator with full access has one. */
  db: DynamoDBClient;
  functions: Map<string, DeployedFunction>;
  refusals(): Refusal[];
  /** The operator's client to the SQS emulator holding the template's queues. */
  sqs: SQSClient;
  /** A queue's URL in the emulator, by the start of its logical id (`remindersqueue`). */
  queueUrl(logicalIdStart: string): string;
  /** What the event source mappings' pollers met (a failed receive or delete). */
  mappingErrors: unknown[];
  stop(): Promise<void>;
}

/**
 * A stage as the template deploys it, on this machine: its tables (from the template's definitions) in
 * dynalite, each function's synthesized bundle in a process of its own with only the template's
 * environment, its AWS calls checked against its own IAM statements, and the API's routes, integrations and
 * CORS configuration from the template in front.
 */
export async function startDeployedStack(options: {
  templateFile: string;
  /** A changed copy of the template (tests of the checks); by default the file itself. */
  template?: Template;
  /**
   * A certificate every function trusts (NODE_EXTRA_CA_CERTS), as Lambda trusts public CAs: the identity
   * provider's stand-in serves TLS with it.
   */
  trustedCertificates?: string;
  /** Variables added to one function's environment, or removed with `undefined` (tests of the checks). */
  environmentOverrides?: Record<string, Record<string, string | undefined>>;
  /** Addresses SES refuses, as its sandbox does for unverified recipients. */
  refusedRecipients?: readonly string[];
  /** What happens to a function's DynamoDB calls on a bad day (throttling, 500s, resets, lost answers). */
  faults?: (functionName: string, operation: string, accesses: readonly Access[]) => StandInFault | undefined;
  /** Another DynamoDB (AWS's DynamoDB Local) in place of a dynalite of its own. */
  dynamodbEndpoint?: string;
  /** Records the capacity each function's DynamoDB calls consumed (see `startAwsStandIn`). */
  meterCapacity?: boolean;
}): Promise<DeployedStack> {
  const stackName = basename(options.templateFile, '.template.json');
  const model = deployedModel(
    options.template ?? loadTemplate(options.templateFile),
    options.templateFile,
    stackName,
  );
  // API Gateway invokes each function with its integration's credentials: a route whose role may not
  // invoke its function would answer 500 on AWS for every request. Refused here, before anything starts.
  for (const [routeKey, invocable] of model.invocable)
    if (!invocable)
      throw new Error(
        `API Gateway may not invoke the function of ${routeKey}: its integration's credentials do not allow lambda:InvokeFunction on it`,
      );
  const emulators: RunningEmulator[] = [];
  const dynamodb = options.dynamodbEndpoint
    ? { endpoint: options.dynamodbEndpoint }
    : await startDynalite({ port: 0 });
  if ('stop' in dynamodb) emulators.push(dynamodb);
  const ses = await startSesEmulator(0);
  emulators.push(ses);
  const sqs = await startSqsEmulator(0);
  emulators.push(sqs);
  const sqsClient = localSqsClient(sqs.endpoint);
  await createQueues(model, sqsClient, sqs.endpoint);
  // The operator's own client to the stage's tables (fixtures, checks): not a function, so no IAM check.
  const db = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'operator', secretAccessKey: 'operator' },
  });
  await createTables(model, db);

  const functions = new Map<string, DeployedFunction>();
  for (const fn of model.functions) {
    const aws = await startAwsStandIn({
      functionName: fn.name,
      roleArn: fn.roleArn,
      statements: fn.statements,
      dynamodbEndpoint: dynamodb.endpoint,
      sesEndpoint: ses.endpoint,
      sqsEndpoint: sqs.endpoint,
      secrets: model.secrets,
      refusedRecipients: options.refusedRecipients,
      faults: options.faults && ((operation, accesses) => options.faults?.(fn.name, operation, accesses)),
      meterCapacity: options.meterCapacity,
    });
    const overrides = options.environmentOverrides?.[fn.name] ?? {};
    // SQS takes its endpoint from the queue URL (the SDK's useQueueUrlAsEndpoint), not AWS_ENDPOINT_URL: the
    // stand-in account's regional endpoint, which the URLs name, is where this function's stand-in listens.
    const atStandIn = (value: string) =>
      value.startsWith(`${SQS_ENDPOINT}/`) ? `${aws.endpoint}${value.slice(SQS_ENDPOINT.length)}` : value;
    const environment = Object.fromEntries(
      Object.entries({
        ...fn.environment,
        AWS_ENDPOINT_URL: aws.endpoint,
        ...(options.trustedCertificates ? { NODE_EXTRA_CA_CERTS: options.trustedCertificates } : {}),
        ...overrides,
      })
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([name, value]) => [name, atStandIn(value)]),
    );
    const logs: string[] = [];
    const reports: DeployedFunction['reports'] = [];
    const runtime = createFunctionRuntime({
      functionName: fn.name,
      moduleUrl: pathToFileURL(fn.bundle).href,
      environment,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
      isolation: 'process',
      onOutput: (text) => logs.push(text),
      onReport: (report) => reports.push(report),
    });
    functions.set(fn.name, { model: fn, runtime, aws, logs, reports });
  }

  const byLogicalId = new Map([...functions.values()].map((fn) => [fn.model.logicalId, fn.runtime]));
  const routes = new Map(
    [...model.routes].map(([routeKey, logicalId]) => {
      const runtime = byLogicalId.get(logicalId);
      if (!runtime) throw new Error(`route ${routeKey} integrates ${logicalId}, which is not a function`);
      return [routeKey, runtime] as const;
    }),
  );
  const mappingErrors: unknown[] = [];
  const mappings = model.mappings.map((mapping) =>
    startTemplateMapping(mapping, { model, functions, client: sqsClient, endpoint: sqs.endpoint }, (error) =>
      mappingErrors.push(error),
    ),
  );
  const api: Server = createApiServer({ routes, cors: model.cors });
  await new Promise<void>((ready) => api.listen(0, '127.0.0.1', ready));

  return {
    stackName,
    model,
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    sesUrl: ses.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
    db,
    functions,
    refusals: () => [...functions.values()].flatMap((fn) => fn.aws.refusals),
    sqs: sqsClient,
    queueUrl: (name) => {
      const queue = model.queues.find((candidate) => candidate.name.includes(`-${name}`));
      if (!queue) throw new Error(`the template has no queue ${name}`);
      return queueUrlIn(sqs.endpoint, queue);
    },
    mappingErrors,
    async stop() {
      await Promise.all(mappings.map((mapping) => mapping.stop()));
      sqsClient.destroy();
      api.closeAllConnections();
      await new Promise((done) => api.close(done));
      await Promise.all(
        [...functions.values()].map(async (fn) => Promise.all([fn.runtime.stop(), fn.aws.stop()])),
      );
      db.destroy();
      await Promise.all(emulators.map((emulator) => emulator.stop()));
    },
  };
}

/** The template's queues in the SQS emulator: created first, then given their redrive policies. */
async function createQueues(model: DeployedModel, client: SQSClient, endpoint: string) {
  for (const queue of model.queues) await client.send(new CreateQueueCommand({ QueueName: queue.name }));
  for (const queue of model.queues)
    await client.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrlIn(endpoint, queue), Attributes: queue.attributes }),
    );
}

/** A template queue's URL in the emulator (which finds a queue by the name in the URL's path). */
const queueUrlIn = (endpoint: string, queue: TemplateQueue) =>
  `${endpoint}/${queue.arn.split(':')[4]}/${queue.name}`;

/**
 * A template's event source mapping, as Lambda runs it: created only when the function's role may receive
 * and delete on the queue (CreateEventSourceMapping checks the execution role), then polling with the
 * template's batch size and maximum concurrency, invoking the function's bundle.
 */
function startTemplateMapping(
  mapping: TemplateMapping,
  stage: {
    model: DeployedModel;
    functions: Map<string, DeployedFunction>;
    client: SQSClient;
    endpoint: string;
  },
  onError: (error: unknown) => void,
) {
  const { model, functions, client } = stage;
  const fn = [...functions.values()].find(
    (candidate) => candidate.model.logicalId === mapping.functionLogicalId,
  );
  const queue = model.queues.find((candidate) => candidate.arn === mapping.queueArn);
  if (!fn || !queue)
    throw new Error(
      `event source mapping ${mapping.queueArn} → ${mapping.functionLogicalId}: no such function or queue`,
    );
  for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'])
    if (!isAllowed(fn.model.statements, { action, resource: queue.arn }))
      throw new Error(
        `the role of ${fn.model.name} may not ${action} on ${queue.name}: Lambda refuses the mapping`,
      );
  return startEventSourceMapping({
    client,
    queueUrl: queueUrlIn(stage.endpoint, queue),
    queueArn: queue.arn,
    batchSize: mapping.batchSize,
    maximumConcurrency: mapping.maximumConcurrency ?? 2,
    invoke: (_instance, event) => fn.runtime.invoke(event),
    onError,
  });
}

/** The template's tables as CreateTable requests: keys, attribute types and indexes as declared there. */
async function createTables(model: DeployedModel, client: DynamoDBClient) {
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
}

/**
 * AWS as an operator's tools see it for this stage, with an administrator's credentials: CloudFormation's
 * `DescribeStacks` answering the template's outputs, Lambda's `Invoke` reaching the functions' own
 * runtimes, and the data plane (DynamoDB, Secrets Manager, SES) as the functions see it.
 */
export function startOperatorAws(stack: DeployedStack): Promise<AwsStandIn> {
  const { stackName } = stack;
  const byPhysicalName = new Map(
    [...stack.functions.values()].map((fn) => [
      stack.model.functionNames.get(fn.model.logicalId),
      fn.runtime,
    ]),
  );
  const xml = (response: ServerResponse, status: number, text: string) => {
    response.writeHead(status, { 'content-type': 'text/xml' });
    response.end(text);
  };
  return startAwsStandIn({
    functionName: 'operator',
    roleArn: 'arn:aws:iam::000000000000:role/operator',
    statements: [{ Effect: 'Allow', Action: ['*'], Resource: ['*'] }],
    dynamodbEndpoint: stack.dynamodbEndpoint,
    sesEndpoint: stack.sesUrl,
    secrets: stack.model.secrets,
    async controlPlane(request, body, response) {
      const form = new URLSearchParams(body.toString());
      if (form.get('Action') === 'DescribeStacks') {
        if (form.get('StackName') !== stackName) {
          xml(
            response,
            400,
            `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${form.get('StackName')} does not exist</Message></Error></ErrorResponse>`,
          );
          return true;
        }
        const outputs = Object.entries(stack.model.outputs)
          .map(
            ([key, value]) =>
              `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`,
          )
          .join('');
        xml(
          response,
          200,
          `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${stackName}</StackName><StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/${stackName}/1</StackId><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
        );
        return true;
      }
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? '');
      if (!invoke) return false;
      const runtime = byPhysicalName.get(decodeURIComponent(invoke[1] ?? ''));
      if (!runtime) {
        response.writeHead(404, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'ResourceNotFoundException',
        });
        response.end(JSON.stringify({ Type: 'User', Message: `Function not found: ${invoke[1]}` }));
        return true;
      }
      try {
        const result = await runtime.invoke(JSON.parse(body.toString() || '{}'));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result ?? null));
      } catch (error) {
        // What Lambda answers for a function error: 200, with the error in the payload and a header.
        const failure = error as FunctionError;
        response.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        response.end(
          JSON.stringify({ errorType: failure.errorType ?? 'Error', errorMessage: failure.message }),
        );
      }
      return true;
    },
  });
}
