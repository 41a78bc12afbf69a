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
 * The path of the first string in a parsed body, key or value, that is not well-formed Unicode: JSON's
 * `\ud800` escapes can spell a lone UTF-16 surrogate, which no UTF-8 text can hold (RFC 8259 §8.2). Walked
 * without recursion: 16 KB of brackets nest deeper than a call stack.
 */
function malformedString(value: unknown): string | undefined {
  const pending: [unknown, string[]][] = [[value, []]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path] = next;
    if (typeof item === 'string') {
      if (!item.isWellFormed()) return path.join('.') || 'body';
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (!key.isWellFormed()) return [...path, key].join('.');
        pending.push([child, [...path, key]]);
      }
    }
  }
  return undefined;
}

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
      const malformed = malformedString(value);
      if (malformed !== undefined)
        throw invalidInput({ [malformed]: 'must be well-formed Unicode (no lone UTF-16 surrogate)' });
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw invalidInput(fieldProblems(parsed.error, value));
      event.parsedBody = parsed.data;
    },
  };
}
