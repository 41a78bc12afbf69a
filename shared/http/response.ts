import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface HttpResult {
  status: number;
  /** Serialized as JSON; omitted for 204. */
  body?: unknown;
  cookies?: string[];
  headers?: Record<string, string>;
}

export function toApiGatewayResult({
  status,
  body,
  cookies,
  headers,
}: HttpResult): APIGatewayProxyStructuredResultV2 {
  const hasBody = body !== undefined && status !== 204;
  return {
    statusCode: status,
    headers: { ...(hasBody ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers },
    ...(cookies?.length ? { cookies } : {}),
    body: hasBody ? JSON.stringify(body) : '',
  };
}

export function errorBody(code: string, message: string, fields?: Record<string, string>) {
  return { error: { code, message, ...(fields ? { fields } : {}) } };
}
