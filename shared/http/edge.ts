import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from '#shared/http/errors';

/** The header CloudFront adds to every request it sends to the API, when the edge is on. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

const sameSecret = (given: string | undefined, secret: string) => {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(secret)];
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * "1.2.3.4:5678", "2001:db8::1:5678": CloudFront-Viewer-Address is the viewer's address and port, the port
 * after the last colon (IPv6 addresses are not bracketed).
 */
const viewerAddress = (header: string | undefined): string | undefined => {
  const at = header?.lastIndexOf(':') ?? -1;
  return header && at > 0 ? header.slice(0, at) : undefined;
};

/**
 * The address a request came from, for the per-client limits and the audit log. API Gateway's source
 * address, never a client's `X-Forwarded-For` or `Forwarded`. Behind the edge, the source is CloudFront,
 * and the viewer's address is CloudFront's own header: trusted only on a request that carries the origin
 * secret, which only CloudFront knows (anyone may send the header itself).
 */
export function clientAddress(event: APIGatewayProxyEventV2, originSecret: string | undefined): string {
  const source = event.requestContext.http.sourceIp;
  if (!originSecret || !sameSecret(event.headers[ORIGIN_VERIFY_HEADER], originSecret)) return source;
  return viewerAddress(event.headers['cloudfront-viewer-address']) ?? source;
}

/**
 * With the edge on, the API answers CloudFront only: a request that goes around it (straight to the
 * execute-api endpoint) would also go around the web ACL's rate limits, so it is refused.
 */
export function edgeOnly(originSecret: string | undefined): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async ({ event }) => {
      if (originSecret && !sameSecret(event.headers[ORIGIN_VERIFY_HEADER], originSecret))
        throw new HttpError(403, 'forbidden', 'This API is served through its CloudFront distribution only.');
    },
  };
}
