import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One JSON logger per container. What goes in it is chosen field by field at each call site: never a
 * request body, a password, a hash, a token or a cookie.
 */
export const logger = new Logger({
  serviceName: 'pistus',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
});
