import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * What the Lambda runtime itself puts in every function's environment, beside the variables the template
 * sets. Locally the credentials are placeholders the emulators accept, so real AWS credentials in the
 * developer's shell are never used.
 */
export function lambdaRuntimeEnvironment(functionName: string, memoryMb: number): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    // Where Lambda's X-Ray daemon listens; locally nothing does, and local traces are not sampled.
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    LAMBDA_TASK_ROOT: '/var/task',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  };
}

/**
 * The trace header Lambda sets in `_X_AMZN_TRACE_ID` before each invocation of an actively traced function.
 * Locally not sampled (nothing is sent), unless `PISTUS_TRACE_SAMPLED=1` asks for it (a test's own daemon).
 */
export function traceHeader(sampled = process.env.PISTUS_TRACE_SAMPLED === '1'): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  const time = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${time}-${hex(12)};Parent=${hex(8)};Sampled=${sampled ? 1 : 0}`;
}

/** A Lambda context as the runtime gives it, with the invocation's real deadline. */
export function lambdaContext(
  functionName: string,
  requestId: string,
  deadline: number,
  memoryMb = 1024,
): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
