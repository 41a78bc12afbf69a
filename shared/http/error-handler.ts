import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '#shared/http/errors';
import { OUTCOME_STATUS } from '#shared/http/outcome-status';
import { errorBody, toApiGatewayResult } from '#shared/http/response';
import { DomainError } from '#shared/platform/outcomes';
import { logger } from '#shared/platform/logger';

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
