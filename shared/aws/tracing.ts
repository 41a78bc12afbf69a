import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { MiddlewareStack } from '@smithy/types';

/**
 * X-Ray, what on-call reads first. Lambda's active tracing records each invocation; every AWS SDK call of a
 * sampled invocation is sent to the X-Ray daemon beside the function as a subsegment of it, in X-Ray's
 * segment document format (the daemon's UDP protocol: a JSON header line, then the document), so a slow
 * request shows which DynamoDB, SES, SQS or Secrets Manager call it waited on, with its status, its
 * retries and its request id. This is what Powertools' Tracer did for us through the X-Ray SDK, without
 * the SDK: it cost every function about 120 KB and 40 ms of its cold start (docs/benchmarks.md).
 * Nothing is sent unless the invocation's trace header says it is sampled.
 */

/** The invocation's trace, from the header the runtime sets for each invocation (`Root=…;Parent=…;Sampled=1`). */
function sampledTrace(header = process.env._X_AMZN_TRACE_ID): { root: string; parent: string } | undefined {
  const fields = Object.fromEntries(
    (header ?? '').split(';').map((field) => field.split('=') as [string, string]),
  );
  return fields.Sampled === '1' && fields.Root && fields.Parent
    ? { root: fields.Root, parent: fields.Parent }
    : undefined;
}

/** `host:port`, or the daemon's two addresses `tcp:host:port udp:host:port`, of which the UDP one. */
function daemonAddress(value = process.env.AWS_XRAY_DAEMON_ADDRESS ?? '127.0.0.1:2000') {
  const udp = value.split(' ').find((part) => part.startsWith('udp:')) ?? value;
  const [host = '127.0.0.1', port = '2000'] = udp.replace(/^udp:/, '').split(':');
  return { host, port: Number(port) };
}

let daemon: { socket: Socket; host: string; port: number } | undefined;
const HEADER = '{"format":"json","version":1}\n';

function send(document: Record<string, unknown>): void {
  if (!daemon) {
    const socket = createSocket('udp4');
    // Never what keeps the container's event loop alive; a lost datagram is a lost subsegment, never an error.
    socket.unref();
    socket.on('error', () => undefined);
    daemon = { socket, ...daemonAddress() };
  }
  daemon.socket.send(HEADER + JSON.stringify(document), daemon.port, daemon.host);
}

interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
}

/** What X-Ray shows of the call's resource: the table (or tables of a batch), or the queue. */
function resource(input: Record<string, unknown>): Record<string, unknown> {
  if (typeof input.TableName === 'string') return { table_name: input.TableName };
  if (input.RequestItems && typeof input.RequestItems === 'object')
    return { table_names: Object.keys(input.RequestItems) };
  if (typeof input.QueueUrl === 'string') return { queue_url: input.QueueUrl };
  return {};
}

/** The client, its calls recorded as X-Ray subsegments of the sampled invocation that makes them. */
export function traced<T extends { middlewareStack: object }>(client: T): T {
  const stack = client.middlewareStack as unknown as MiddlewareStack<object, object>;
  stack.add(
    (next, context) => async (args) => {
      const trace = sampledTrace();
      if (!trace) return next(args);
      const started = Date.now() / 1000;
      const document = (metadata: Metadata, error?: { name?: string }) => {
        const status = metadata.httpStatusCode ?? 0;
        const throttled = status === 429 || /Throttl|ProvisionedThroughputExceeded/.test(error?.name ?? '');
        send({
          type: 'subsegment',
          id: randomBytes(8).toString('hex'),
          trace_id: trace.root,
          parent_id: trace.parent,
          name: String(context.clientName ?? 'AWS').replace(/(Document)?Client$/, ''),
          namespace: 'aws',
          start_time: started,
          end_time: Date.now() / 1000,
          aws: {
            operation: String(context.commandName ?? '').replace(/Command$/, ''),
            region: process.env.AWS_REGION,
            request_id: metadata.requestId,
            retries: Math.max(0, (metadata.attempts ?? 1) - 1),
            ...resource((args as { input?: Record<string, unknown> }).input ?? {}),
          },
          ...(status ? { http: { response: { status } } } : {}),
          // Only the error's name: a message may quote the request.
          ...(error
            ? {
                [status >= 500 ? 'fault' : 'error']: true,
                ...(throttled ? { throttle: true } : {}),
                cause: { exceptions: [{ id: randomBytes(8).toString('hex'), type: error.name }] },
              }
            : {}),
        });
      };
      try {
        const result = await next(args);
        document(((result.output as { $metadata?: Metadata }).$metadata ?? {}) as Metadata);
        return result;
      } catch (error) {
        document((error as { $metadata?: Metadata }).$metadata ?? {}, error as { name?: string });
        throw error;
      }
    },
    { step: 'initialize', name: 'xraySubsegment', priority: 'high' },
  );
  return client;
}
