import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

/**
 * One JSON logger per container, correlated by request id (the handlers inject the Lambda context). What
 * goes in it is chosen field by field at each call site: never a request body, a password, a hash, a token
 * or a cookie.
 */
export const logger = new Logger({
  serviceName: 'pistus',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});

/** Business metrics as CloudWatch embedded metric format, flushed at the end of each invocation. */
export const metrics = new Metrics({
  namespace: 'Pistus',
  serviceName: 'pistus',
  defaultDimensions: { stage: process.env.STAGE ?? 'local' },
});

/**
 * Writes the invocation's metrics, if it recorded any, after it answers or fails. Powertools' own middleware
 * warns on every invocation without a metric (every session check); there is nothing to report then.
 */
export function flushMetrics(): MiddlewareObj {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
