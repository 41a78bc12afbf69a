import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Headers on every response, errors included. The API serves JSON only, so the policy forbids everything
 * a browser could do with a response rendered as a page. Auth responses must never be cached
 * (ASVS 5.0 V14.3, OWASP Session Management cheat sheet): every response here is about a session.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

type ApiRequest = Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

const addHeaders = async (request: ApiRequest) => {
  if (!request.response) return;
  request.response.headers = { ...SECURITY_HEADERS, ...request.response.headers };
};

export function responseHeaders(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return { after: addHeaders, onError: addHeaders };
}
