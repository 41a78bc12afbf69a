import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { invalidInput } from '#shared/http/errors';
import { fieldProblems } from '#shared/http/validation';
import { clientAddress } from '#shared/http/edge';

/** Who asked and from where: what every audit line carries. */
export interface RequestFacts {
  /** The address API Gateway saw the request come from, or CloudFront's viewer (never a client's header). */
  clientIp: string;
  requestId: string;
}

export type PartsEvent<Path, Query> = APIGatewayProxyEventV2 & {
  parsedPath: Path;
  parsedQuery: Query;
  facts: RequestFacts;
};

/**
 * The request's path parameters and query string, validated against the route's schemas like its body,
 * and its facts, read once: a handler never reads `event` for them itself.
 */
export function requestParts<Path, Query>(schemas: {
  path?: z.ZodMiniType<Path>;
  query?: z.ZodMiniType<Query>;
  /** The edge's origin secret, when CloudFront is in front (the viewer's address is then its header's). */
  originSecret?: string;
}): MiddlewareObj<PartsEvent<Path, Query>> {
  const parse = <T>(schema: z.ZodMiniType<T> | undefined, value: Record<string, string | undefined>) => {
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalidInput(fieldProblems(parsed.error, value));
    return parsed.data;
  };
  return {
    before: async ({ event }) => {
      event.facts = {
        clientIp: clientAddress(event, schemas.originSecret),
        requestId: event.requestContext.requestId,
      };
      event.parsedPath = parse(schemas.path, event.pathParameters ?? {});
      event.parsedQuery = parse(schemas.query, event.queryStringParameters ?? {});
    },
  };
}
