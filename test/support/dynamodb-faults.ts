import type { MiddlewareStack } from '@smithy/types';

/**
 * What AWS does to a call, on a bad day:
 * - `throttle`: the table's throughput is exceeded (the SDK backs off and retries);
 * - `server-error`: DynamoDB answers 500 (retried);
 * - `reset`: the connection is reset before any answer (retried);
 * - `drop-answer`: the request lands, its answer is lost (retried: the write happens, then meets itself);
 * - `unprocessed`: a batch hands every key or item back unprocessed (the call itself succeeds);
 * - `cut`: the function is cut off (a Lambda timeout): this call and every later one never happen.
 */
export type Fault = 'throttle' | 'server-error' | 'reset' | 'drop-answer' | 'unprocessed' | 'cut';

export interface FaultCall {
  /** The command's name, e.g. `PutItemCommand`. */
  command: string;
  input: Record<string, unknown>;
  /** 0 for the first command the client sent after the faults were injected. */
  index: number;
}

/** The error a cut-off function's caller sees: not an AWS error, so nothing retries it. */
export class CutOff extends Error {
  override name = 'CutOff';
}

const awsError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts: 1 },
    ...extra,
  });

const errorFor: Record<'throttle' | 'server-error' | 'reset', () => Error> = {
  throttle: () => awsError('ProvisionedThroughputExceededException', 400),
  'server-error': () => awsError('InternalServerError', 500),
  reset: () => Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' }),
};

/**
 * Injects faults into a real SDK client (or a document client built on it: they share one middleware
 * stack), chosen per command by `plan`: once per command for `cut` and `unprocessed`, once per attempt
 * for the rest, so a retried attempt may meet another fault as it would on AWS. Everything not faulted
 * reaches the emulator. Returns the commands seen, and a way to remove the faults.
 */
export function injectFaults<Input extends object, Output extends object>(
  client: { middlewareStack: MiddlewareStack<Input, Output> },
  plan: (call: FaultCall, attempt: number) => Fault | undefined,
): { calls: FaultCall[]; remove(): void } {
  const calls: FaultCall[] = [];
  const tag = `faults-${Math.random().toString(36).slice(2)}`;
  const perCommand = new WeakMap<object, { call: FaultCall; attempts: number }>();
  // initialize: once per command, before the SDK's retry loop.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const call: FaultCall = { command: String(context.commandName), input, index: calls.length };
      calls.push(call);
      perCommand.set(context, { call, attempts: 0 });
      const fault = plan(call, 0);
      if (fault === 'cut') throw new CutOff(`cut off before call ${call.index} (${call.command})`);
      if (fault === 'unprocessed' && /^Batch(Get|Write)Item/.test(call.command)) {
        const unprocessed = call.command.startsWith('BatchGet')
          ? { Responses: {}, UnprocessedKeys: input.RequestItems }
          : { UnprocessedItems: input.RequestItems };
        return { output: { ...unprocessed, $metadata: {} }, response: {} } as never;
      }
      return next(args);
    },
    { step: 'initialize', name: `${tag}-command` },
  );
  // deserialize: inside the retry loop, once per attempt.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const state = perCommand.get(context);
      if (!state) return next(args);
      state.attempts += 1;
      const fault = plan(state.call, state.attempts);
      if (fault === 'throttle' || fault === 'server-error' || fault === 'reset') throw errorFor[fault]();
      const result = await next(args);
      if (fault === 'drop-answer') throw awsError('TimeoutError', 0, { $metadata: {} });
      return result;
    },
    { step: 'deserialize', name: `${tag}-attempt` },
  );
  return {
    calls,
    remove() {
      client.middlewareStack.remove(`${tag}-command`);
      client.middlewareStack.remove(`${tag}-attempt`);
    },
  };
}

/** A plan that cuts the function off at its `k`-th command (0-based): commands before it happen. */
export const cutAt =
  (k: number) =>
  (call: FaultCall): Fault | undefined =>
    call.index >= k ? 'cut' : undefined;

/** A plan that gives each attempt of `commands` (all, if none named) `fault` with probability `rate`. */
export const randomFaults =
  (rate: number, faults: readonly Fault[], random: () => number = Math.random) =>
  (): Fault | undefined =>
    random() < rate ? faults[Math.floor(random() * faults.length)] : undefined;

/** The tables a call touches: its `TableName`, or a batch's `RequestItems` keys. */
export const tablesOf = (call: FaultCall): string[] =>
  typeof call.input.TableName === 'string'
    ? [call.input.TableName]
    : Object.keys((call.input.RequestItems as Record<string, unknown> | undefined) ?? {});
