import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type {
  ErrorReport,
  HostData,
  HostMessage,
  Invocation,
  InvocationReport,
} from '#infra/local/function-host';
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
  /**
   * A worker thread (the local runtime: fast to start, its own env and module cache) or a child process
   * (the deployed-artifact suite: nothing shared at all with the test process).
   */
  isolation?: 'worker' | 'process';
  /** Where a process container's output goes (its log lines); by default this process's own. */
  onOutput?: (text: string) => void;
  /** Each answered invocation's REPORT (what Lambda bills and logs), with its request id. */
  onReport?: (report: InvocationReport & { requestId: string }) => void;
}

export interface FunctionRuntime {
  invoke(event: unknown, requestId?: string): Promise<unknown>;
  /** How many invocations it has had, answered or not. */
  readonly invocations: number;
  stop(): Promise<void>;
}

const HOST = new URL('./function-host.ts', import.meta.url);

/**
 * One local Lambda function: a container (a worker thread) started on the first invocation, reused while
 * it lives, and replaced after a failed init or a timeout, as Lambda does.
 */
export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  let current: Promise<Container> | undefined;
  let nextId = 0;
  const pending = new Map<
    number,
    { requestId: string; resolve(value: unknown): void; reject(error: Error): void }
  >();

  const discard = (container: Container) => {
    current = undefined;
    container.terminate();
  };

  const start = () =>
    new Promise<Container>((resolve, reject) => {
      const env = {
        ...lambdaRuntimeEnvironment(options.functionName, options.memoryMb),
        ...options.environment,
      };
      const data: HostData = {
        moduleUrl: options.moduleUrl,
        functionName: options.functionName,
        memoryMb: options.memoryMb,
      };
      const container = spawnContainer(options.isolation ?? 'worker', env, data, options.onOutput);
      container.onMessage((message: HostMessage) => {
        if (message.kind === 'ready') return resolve(container);
        if (message.kind === 'init-error') {
          discard(container);
          return reject(new FunctionError(options.functionName, 'init', message.error));
        }
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (call) options.onReport?.({ ...message.report, requestId: call.requestId });
        if (message.kind === 'result') call?.resolve(message.result);
        else call?.reject(new FunctionError(options.functionName, 'invoke', message.error));
      });
      container.onExit((report) => {
        if (current) discard(container);
        reject(new FunctionError(options.functionName, 'init', report));
        for (const [id, call] of pending) {
          pending.delete(id);
          call.reject(new FunctionError(options.functionName, 'invoke', report));
        }
      });
    });

  let invocations = 0;
  return {
    get invocations() {
      return invocations;
    },
    async invoke(event, requestId = randomUUID()) {
      invocations++;
      current ??= start();
      const container = await current;
      const id = nextId++;
      const timeoutMs = options.timeoutSeconds * 1000;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          // Lambda stops the container when time runs out; the next invocation is a cold start.
          pending.delete(id);
          discard(container);
          const message = `Task timed out after ${options.timeoutSeconds.toFixed(2)} seconds`;
          reject(
            new FunctionError(options.functionName, 'timeout', {
              errorType: 'Timeout',
              errorMessage: message,
            }),
          );
        }, timeoutMs);
        pending.set(id, {
          requestId,
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        container.post({ id, event, requestId, deadline: Date.now() + timeoutMs } satisfies Invocation);
      });
    },
    async stop() {
      const container = await current?.catch(() => undefined);
      current = undefined;
      await container?.terminate();
    },
  };
}

interface Container {
  post(message: Invocation): void;
  onMessage(listener: (message: HostMessage) => void): void;
  /** The container went away on its own (a crash, an exit): what Lambda reports as `Runtime.ExitError`. */
  onExit(listener: (report: ErrorReport) => void): void;
  terminate(): Promise<void>;
}

function spawnContainer(
  isolation: 'worker' | 'process',
  env: Record<string, string>,
  data: HostData,
  onOutput?: (text: string) => void,
): Container {
  if (isolation === 'worker') {
    const worker = new Worker(HOST, { env, workerData: data });
    let terminating = false;
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (listener) => worker.on('message', listener),
      onExit: (listener) => {
        worker.on('error', (error) => listener({ errorType: error.name, errorMessage: error.message }));
        worker.on('exit', (code) => {
          if (!terminating) listener({ errorType: 'Runtime.ExitError', errorMessage: `exited with ${code}` });
        });
      },
      terminate: async () => {
        terminating = true;
        await worker.terminate();
      },
    };
  }
  const child = fork(new URL(HOST), [JSON.stringify(data)], {
    env,
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', onOutput ? 'pipe' : 'inherit', onOutput ? 'pipe' : 'inherit', 'ipc'],
  });
  if (onOutput) {
    child.stdout?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
  }
  let terminating = false;
  return {
    post: (message) => child.send(message),
    onMessage: (listener) => child.on('message', (message) => listener(message as HostMessage)),
    onExit: (listener) =>
      child.on('exit', (code, signal) => {
        if (!terminating)
          listener({ errorType: 'Runtime.ExitError', errorMessage: `exited with ${signal ?? code}` });
      }),
    terminate: async () => {
      terminating = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
