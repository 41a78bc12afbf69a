import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Access, dynamodbAccess, isAllowed, sqsAccess } from './iam.ts';
import { ACCOUNT, type GeneratedSecret, REGION, type Statement } from './template.ts';

/**
 * A fault on one DynamoDB request: `throttle` (a throttled table's 400), `server-error` (DynamoDB's 500),
 * `reset` (the connection reset, no answer), `drop-answer` (the request reaches the emulator, then the
 * connection drops before the answer), `unprocessed` (a batch hands every key or item back).
 */
export type StandInFault = 'throttle' | 'server-error' | 'reset' | 'drop-answer' | 'unprocessed';

/** A call the stand-in refused, as AWS would have: the function lacked the grant. */
export interface Refusal extends Access {
  functionName: string;
}

/** What one DynamoDB call consumed, as DynamoDB bills it in on-demand mode (request units). */
export interface ConsumedUnits {
  operation: string;
  readUnits: number;
  writeUnits: number;
  /** The call was answered with an error (a failed condition still bills its write). */
  failed: boolean;
}

export interface AwsStandIn {
  /** Where the function's SDK is pointed (`AWS_ENDPOINT_URL`). */
  endpoint: string;
  /** Every call the function made, allowed or not. */
  calls: Access[];
  /** With `meterCapacity`: each DynamoDB call the emulator answered, with the units it consumed. */
  consumed: ConsumedUnits[];
  refusals: Refusal[];
  stop(): Promise<void>;
}

/**
 * One function's view of AWS: every call is checked against that function's IAM statements from the
 * template, as AWS would, and refused with `AccessDeniedException` when no statement allows it; allowed
 * calls go on to DynamoDB's emulator, the SES emulator, or the Secrets Manager fixture that serves the
 * template's generated secrets. A call to a service with no stand-in is refused too: nothing passes
 * unchecked.
 */
export async function startAwsStandIn(options: {
  functionName: string;
  roleArn: string;
  statements: Statement[];
  dynamodbEndpoint: string;
  sesEndpoint: string;
  /** The SQS emulator, holding the template's queues. */
  sqsEndpoint?: string;
  secrets: readonly GeneratedSecret[];
  /**
   * The control plane an operator's tools call (CloudFormation `DescribeStacks`, Lambda `Invoke`): answers
   * the request and returns true, or returns false to let the data-plane stand-ins answer it.
   */
  controlPlane?: (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<boolean>;
  /** Recipients SES refuses, as its sandbox refuses unverified addresses (`MessageRejected`). */
  refusedRecipients?: readonly string[];
  /** What happens to an allowed DynamoDB call, as AWS does it on a bad day; by default nothing. */
  faults?: (operation: string, accesses: readonly Access[]) => StandInFault | undefined;
  /**
   * Asks DynamoDB for the capacity each call consumed (`ReturnConsumedCapacity: TOTAL`, added to the request
   * when the function did not ask) and records it in `consumed`: what a request costs.
   */
  meterCapacity?: boolean;
}): Promise<AwsStandIn> {
  const calls: Access[] = [];
  const consumed: ConsumedUnits[] = [];
  const refusals: Refusal[] = [];
  const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/${options.roleArn.split('/').pop()}/${options.functionName}`;

  /** Checks every access; answers the refusal itself and returns false when one is not allowed. */
  const authorize = (accesses: Access[], refuse: (message: string) => void): boolean => {
    calls.push(...accesses);
    const denied = accesses.find((access) => !isAllowed(options.statements, access));
    if (!denied) return true;
    refusals.push({ functionName: options.functionName, ...denied });
    refuse(
      `User: ${principal} is not authorized to perform: ${denied.action} on resource: ${denied.resource} ` +
        `because no identity-based policy allows the ${denied.action} action`,
    );
    return false;
  };

  const json = (response: ServerResponse, status: number, body: unknown, contentType: string) => {
    response.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readAll(request);
    if (await options.controlPlane?.(request, body, response)) return;
    const target = String(request.headers['x-amz-target'] ?? '');
    const contentType = String(request.headers['content-type'] ?? '');

    if (target.startsWith('DynamoDB_20120810.')) {
      const operation = target.slice('DynamoDB_20120810.'.length);
      const accesses = dynamodbAccess(
        operation,
        JSON.parse(body.toString() || '{}') as Record<string, unknown>,
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:`,
      );
      const refuse = (message: string) =>
        json(
          response,
          400,
          { __type: 'com.amazon.coral.service#AccessDeniedException', Message: message },
          contentType,
        );
      if (!authorize(accesses, refuse)) return;
      const fault = options.faults?.(operation, accesses);
      const error = (status: number, type: string, message: string) =>
        json(response, status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }, contentType);
      if (fault === 'throttle') {
        error(
          400,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded.',
        );
        return;
      }
      if (fault === 'server-error') {
        error(500, 'InternalServerError', 'Internal server error');
        return;
      }
      if (fault === 'reset') {
        request.socket.destroy();
        return;
      }
      if (fault === 'unprocessed' && operation.startsWith('Batch')) {
        const { RequestItems } = JSON.parse(body.toString()) as { RequestItems: unknown };
        const handedBack =
          operation === 'BatchGetItem'
            ? { Responses: {}, UnprocessedKeys: RequestItems }
            : { UnprocessedItems: RequestItems };
        json(response, 200, handedBack, contentType);
        return;
      }
      const answer = await forward(
        options.dynamodbEndpoint,
        request,
        options.meterCapacity ? withCapacity(body) : body,
        response,
        { dropAnswer: fault === 'drop-answer' },
      );
      if (answer && options.meterCapacity)
        consumed.push(consumedUnits(operation, answer.status, answer.body));
      return;
    }

    if (target.startsWith('AmazonSQS.') && options.sqsEndpoint) {
      const operation = target.slice('AmazonSQS.'.length);
      const access = sqsAccess(
        operation,
        JSON.parse(body.toString() || '{}') as Record<string, unknown>,
        `arn:aws:sqs:${REGION}:${ACCOUNT}:`,
      );
      const refuse = (message: string) =>
        json(response, 400, { __type: 'com.amazonaws.sqs#AccessDenied', message }, contentType);
      if (!authorize([access], refuse)) return;
      await forward(options.sqsEndpoint, request, body, response);
      return;
    }

    if (target.startsWith('secretsmanager.')) {
      const operation = target.slice('secretsmanager.'.length);
      const { SecretId } = JSON.parse(body.toString() || '{}') as { SecretId?: string };
      const refuse = (message: string) =>
        json(response, 400, { __type: 'AccessDeniedException', Message: message }, contentType);
      if (!authorize([{ action: `secretsmanager:${operation}`, resource: String(SecretId) }], refuse)) return;
      const secret = options.secrets.find((candidate) => candidate.arn === SecretId);
      if (operation !== 'GetSecretValue' || !secret) {
        json(
          response,
          400,
          {
            __type: 'ResourceNotFoundException',
            Message: "Secrets Manager can't find the specified secret.",
          },
          contentType,
        );
        return;
      }
      json(
        response,
        200,
        {
          ARN: secret.arn,
          Name: secret.arn.split(':').pop(),
          SecretString: secret.value,
          VersionId: 'fixture',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 0,
        },
        contentType,
      );
      return;
    }

    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(body.toString());
      const action = form.get('Action') ?? '';
      if (action === 'SendEmail' || action === 'SendRawEmail') {
        // SES authorizes the sending identity: the address itself or its domain.
        const source = form.get('Source') ?? '';
        const address = /<([^>]+)>/.exec(source)?.[1] ?? source;
        const identities = [address, address.split('@')[1] ?? ''].map(
          (identity) => `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${identity}`,
        );
        const allowed = identities.find((resource) =>
          isAllowed(options.statements, { action: `ses:${action}`, resource }),
        );
        const refuse = (message: string) => {
          response.writeHead(403, { 'content-type': 'text/xml' });
          response.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
          );
        };
        // Sending through a configuration set needs the grant on that set too.
        const configurationSet = form.get('ConfigurationSetName');
        const accesses = [
          { action: `ses:${action}`, resource: allowed ?? identities[0] ?? '' },
          ...(configurationSet
            ? [
                {
                  action: `ses:${action}`,
                  resource: `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${configurationSet}`,
                },
              ]
            : []),
        ];
        if (!authorize(accesses, refuse)) return;
        const to = [...form.entries()]
          .filter(([name]) => name.startsWith('Destination.ToAddresses'))
          .map(([, v]) => v);
        const refused = to.find((address) => options.refusedRecipients?.includes(address));
        if (refused) {
          response.writeHead(400, { 'content-type': 'text/xml' });
          response.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>MessageRejected</Code><Message>Email address is not verified. The following identities failed the check in region US-EAST-1: ${refused}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
          );
          return;
        }
        await forward(options.sesEndpoint, request, body, response);
        return;
      }
    }

    // A service this product is not expected to call: refused, and recorded so the suite fails.
    const action = target || `unknown:${request.method} ${request.url}`;
    refusals.push({ functionName: options.functionName, action, resource: '*' });
    json(
      response,
      400,
      { __type: 'UnrecognizedClientException', Message: `no stand-in for ${action}` },
      'application/json',
    );
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        json(response, 500, { __type: 'InternalFailure', Message: String(error) }, 'application/json');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    consumed,
    refusals,
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** A DynamoDB request that also asks for the capacity it consumes (a field the function's SDK ignores). */
function withCapacity(body: Buffer): Buffer {
  const request = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
  request.ReturnConsumedCapacity ??= 'TOTAL';
  return Buffer.from(JSON.stringify(request));
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * The units an answer says it consumed (one entry, or one per table for batches and transactions). An error
 * names none: a write refused by its condition is billed one write unit (for items up to 1 KB, which all of
 * this product's are), a refused read nothing.
 */
function consumedUnits(operation: string, status: number, body: Buffer): ConsumedUnits {
  const isRead = READS.has(operation);
  if (status !== 200) return { operation, readUnits: 0, writeUnits: isRead ? 0 : 1, failed: true };
  const answer = JSON.parse(body.toString() || '{}') as {
    ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
  };
  const units = [answer.ConsumedCapacity ?? []]
    .flat()
    .reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
  return { operation, readUnits: isRead ? units : 0, writeUnits: isRead ? 0 : units, failed: false };
}

/**
 * Passes an allowed call on, and its answer back unchanged (the SDK checks DynamoDB's CRC32); returns the
 * answer, unless it was dropped.
 */
async function forward(
  endpoint: string,
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  options: { dropAnswer?: boolean } = {},
): Promise<{ status: number; body: Buffer } | undefined> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = String(value);
  const answer = await fetch(new URL(request.url ?? '/', endpoint), {
    method: request.method ?? 'POST',
    headers,
    body: new Uint8Array(body),
  });
  if (options.dropAnswer) {
    // The work is done; the caller never hears of it.
    await answer.arrayBuffer();
    request.socket.destroy();
    return undefined;
  }
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out[name] = value;
  });
  const answered = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, out);
  response.end(answered);
  return { status: answer.status, body: answered };
}
