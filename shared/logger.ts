import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

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
