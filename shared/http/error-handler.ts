import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '#shared/http/errors';
import { OUTCOME_STATUS } from '#shared/http/outcome-status';
import { errorBody, toApiGatewayResult } from '#shared/http/response';
import { DomainError } from '#shared/platform/outcomes';
import { logger } from '#shared/platform/logger';

const RETRY_AFTER_SECONDS = 2;

/** Errors that mean "not now" rather than "broken": AWS throttling, its 5xx, timeouts, dropped connections. */
const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // A batch read whose keys a throttled table kept handing back (shared/data/dynamodb.ts).
  'UnprocessedKeysError',
]);
const NETWORK = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN)$/;

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { $metadata, code } = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  return (
    UNAVAILABLE.has(error.name) ||
    (typeof code === 'string' && NETWORK.test(code)) ||
    ($metadata?.httpStatusCode ?? 0) >= 500
  );
}

/**
 * Renders every thrown error as the contract's JSON error body: a domain outcome with the status its kind
 * maps to, an error of the HTTP edge with its own. A 5xx says only that something failed:
 * its details go to the log (name and stack, never the request body), not to the client.
 */
export function errorHandler(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof DomainError) {
        request.response = toApiGatewayResult({
          status: OUTCOME_STATUS[error.kind],
          body: errorBody(error.code, error.message, error.fields),
          headers:
            error.retryAfterSeconds === undefined
              ? undefined
              : { 'retry-after': String(error.retryAfterSeconds) },
        });
        return;
      }
      if (error instanceof HttpError) {
        request.response = toApiGatewayResult({
          status: error.status,
          body: errorBody(error.code, error.message, error.fields),
          headers: error.headers,
        });
        return;
      }
      if (isUnavailable(error)) {
        // Throttled, timed out or failing on AWS's side: the client may try again, and is told when.
        logger.warn('dependency unavailable', {
          route: request.event.routeKey,
          requestId: request.context.awsRequestId,
          error: error instanceof Error ? error.name : 'unknown',
        });
        request.response = toApiGatewayResult({
          status: 503,
          body: errorBody('service_unavailable', 'The service is busy. Please try again shortly.'),
          headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
        });
        return;
      }
      logger.error('unhandled error', {
        route: request.event.routeKey,
        requestId: request.context.awsRequestId,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : 'unknown',
      });
      request.response = toApiGatewayResult({
        status: 500,
        body: errorBody('internal_error', 'Something went wrong on our side. Please try again.'),
      });
    },
  };
}
