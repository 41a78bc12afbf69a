import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { invalidInput, malformedJson, payloadTooLarge, unsupportedMediaType } from '#shared/http/errors';
import { fieldProblems } from '#shared/http/validation';

export const MAX_BODY_BYTES = 16 * 1024;

export type ParsedEvent<Body> = APIGatewayProxyEventV2 & { parsedBody: Body };

const isJson = (contentType: string | undefined) =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType?.trim() ?? '');

/**
 * Reads the body as JSON and validates it against the route's schema, before the handler runs: a request
 * that fails here is rejected with a 4xx naming the problem, and nothing downstream ever sees it.
 */
export function jsonBody<Body>(schema: z.ZodMiniType<Body>): MiddlewareObj<ParsedEvent<Body>> {
  return {
    before: async ({ event }) => {
      const raw = event.body ?? '';
      const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
      if (bytes.byteLength > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
      if (!isJson(event.headers['content-type'])) throw unsupportedMediaType();
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw malformedJson();
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw invalidInput(fieldProblems(parsed.error, value));
      event.parsedBody = parsed.data;
    },
  };
}
