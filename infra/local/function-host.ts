/**
 * The inside of one local Lambda container: a worker thread or a child process with its own `process.env`
 * (only what the function is given), its own module cache and its own cold start. It imports the function's module once,
 * as Lambda's init phase does, then answers invocations from the runtime (function-runtime.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { lambdaContext, traceHeader } from '#infra/local/lambda-environment';

export interface HostData {
  /** The module to load: a handler file, or a synthesized bundle. */
  moduleUrl: string;
  functionName: string;
  memoryMb: number;
}
export interface Invocation {
  id: number;
  event: unknown;
  requestId: string;
  deadline: number;
}
export type HostMessage =
  | { kind: 'ready' }
  | { kind: 'init-error'; error: ErrorReport }
  | { id: number; kind: 'result'; result: unknown; report: InvocationReport }
  | { id: number; kind: 'error'; error: ErrorReport; report: InvocationReport };
/**
 * What Lambda's REPORT line says of one invocation: how long the handler ran and, in a container of its own
 * (a child process), the CPU time it used and the container's peak memory. In a worker thread the process
 * is shared, so those two would be everyone's and are left out.
 */
export interface InvocationReport {
  durationMs: number;
  cpuMs?: number;
  maxMemoryUsedMb?: number;
}
export interface ErrorReport {
  errorType: string;
  errorMessage: string;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;
interface Port {
  postMessage(message: HostMessage): void;
  on(event: 'message', listener: (message: Invocation) => void): void;
}
// A worker thread (the local runtime) or a child process (the deployed-artifact suite): the same protocol.
const data = (parentPort ? workerData : JSON.parse(process.argv[2] ?? '{}')) as HostData;
const port: Port = parentPort ?? {
  postMessage: (message) => process.send?.(message),
  on: (event, listener) => process.on(event, listener),
};

const report = (error: unknown): ErrorReport => ({
  errorType: error instanceof Error ? error.name : 'Error',
  errorMessage: error instanceof Error ? error.message : String(error),
});

let handler: Handler | undefined;
try {
  handler = ((await import(data.moduleUrl)) as { handler: Handler }).handler;
  if (typeof handler !== 'function') throw new Error(`${data.moduleUrl} exports no handler function`);
  port.postMessage({ kind: 'ready' });
} catch (error) {
  port.postMessage({ kind: 'init-error', error: report(error) });
}

port.on('message', async ({ id, event, requestId, deadline }: Invocation) => {
  const context = lambdaContext(data.functionName, requestId, deadline, data.memoryMb);
  // As Lambda does for an actively traced function: the invocation's trace, where X-Ray's SDK finds it.
  process.env._X_AMZN_TRACE_ID = traceHeader();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const measured = (): InvocationReport => {
    const durationMs = performance.now() - started;
    if (parentPort) return { durationMs };
    const used = process.cpuUsage(cpu);
    return {
      durationMs,
      cpuMs: (used.user + used.system) / 1000,
      maxMemoryUsedMb: process.resourceUsage().maxRSS / 1024,
    };
  };
  try {
    const result = await (handler as Handler)(event, context);
    port.postMessage({ id, kind: 'result', result, report: measured() });
  } catch (error) {
    // What Lambda logs for an uncaught error; the caller (API Gateway) sees only a 500.
    console.error(JSON.stringify({ level: 'ERROR', message: 'Invoke Error', ...report(error) }));
    port.postMessage({ id, kind: 'error', error: report(error), report: measured() });
  }
});
