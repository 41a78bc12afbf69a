import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ErrorReport, HostData, HostMessage, Invocation } from '#infra/local/function-host';
import { lambdaRuntimeEnvironment } from '#infra/local/lambda-environment';

/** A failed invocation, as Lambda reports it: the init phase failed, the handler threw, or time ran out. */
export class FunctionError extends Error {
  override name = 'FunctionError';
  readonly errorType: string;
  readonly phase: 'init' | 'invoke' | 'timeout';
  constructor(functionName: string, phase: 'init' | 'invoke' | 'timeout', report: ErrorReport) {
    super(`${functionName} (${phase}): ${report.errorType}: ${report.errorMessage}`);
    this.errorType = report.errorType;
    this.phase = phase;
  }
}

export interface FunctionRuntimeOptions {
  functionName: string;
  /** The handler file (`functions/<name>.ts`) or a synthesized bundle (`cdk.out/asset.*\/index.mjs`). */
  moduleUrl: string;
  /** Exactly the variables the stack gives this function; the Lambda runtime's own are added. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface FunctionRuntime {
  invoke(event: unknown, requestId?: string): Promise<unknown>;
  stop(): Promise<void>;
}

const HOST = new URL('./function-host.ts', import.meta.url);

/**
 * One local Lambda function: a container (a worker thread) started on the first invocation, reused while
 * it lives, and replaced after a failed init or a timeout, as Lambda does.
 */
export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  let container: Promise<Worker> | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  const discard = (worker: Worker) => {
    container = undefined;
    void worker.terminate();
  };

  const start = () =>
    new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(HOST, {
        env: { ...lambdaRuntimeEnvironment(options.functionName, options.memoryMb), ...options.environment },
        workerData: {
          moduleUrl: options.moduleUrl,
          functionName: options.functionName,
          memoryMb: options.memoryMb,
        } satisfies HostData,
      });
      worker.on('message', (message: HostMessage) => {
        if (message.kind === 'ready') return resolve(worker);
        if (message.kind === 'init-error') {
          discard(worker);
          return reject(new FunctionError(options.functionName, 'init', message.error));
        }
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.kind === 'result') call?.resolve(message.result);
        else call?.reject(new FunctionError(options.functionName, 'invoke', message.error));
      });
      worker.on('error', (error) => {
        discard(worker);
        const report = { errorType: error.name, errorMessage: error.message };
        reject(new FunctionError(options.functionName, 'init', report));
        for (const [id, call] of pending) {
          pending.delete(id);
          call.reject(new FunctionError(options.functionName, 'invoke', report));
        }
      });
    });

  return {
    async invoke(event, requestId = randomUUID()) {
      container ??= start();
      const worker = await container;
      const id = nextId++;
      const timeoutMs = options.timeoutSeconds * 1000;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          // Lambda stops the container when time runs out; the next invocation is a cold start.
          pending.delete(id);
          discard(worker);
          const message = `Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds`;
          reject(
            new FunctionError(options.functionName, 'timeout', {
              errorType: 'Timeout',
              errorMessage: message,
            }),
          );
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        worker.postMessage({ id, event, requestId, deadline: Date.now() + timeoutMs } satisfies Invocation);
      });
    },
    async stop() {
      const worker = await container?.catch(() => undefined);
      container = undefined;
      await worker?.terminate();
    },
  };
}
