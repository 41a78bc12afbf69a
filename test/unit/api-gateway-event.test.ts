import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { requestTime, toApiGatewayEvent } from '#infra/local/api-gateway-event';

function request(method: string, url: string, headers: [string, string][]): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.method = method;
  message.url = url;
  message.httpVersion = '1.1';
  message.rawHeaders = headers.flat();
  message.headers = Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
  return message;
}

const now = new Date('2026-01-02T03:04:05Z');

describe('the local API Gateway event (payload 2.0)', () => {
  const event = toApiGatewayEvent(
    request('POST', '/registrations/r1/payment?limit=5&tag=a&tag=b', [
      ['Host', '127.0.0.1:3000'],
      ['Content-Type', 'application/json'],
      ['Cookie', 'a=1; __Host-session=tok'],
      ['X-Multi', 'one'],
      ['X-Multi', 'two'],
    ]),
    Buffer.from('{"paid":true}'),
    { routeKey: 'POST /registrations/{id}/payment', pathParameters: { id: 'r1' } },
    now,
  );

  it('carries the route, raw path and raw query string without "?"', () => {
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /registrations/{id}/payment');
    expect(event.rawPath).toBe('/registrations/r1/payment');
    expect(event.rawQueryString).toBe('limit=5&tag=a&tag=b');
    expect(event.queryStringParameters).toEqual({ limit: '5', tag: 'a,b' });
    expect(event.pathParameters).toEqual({ id: 'r1' });
  });

  it('lower-cases headers, joins repeated ones, and moves cookies to their own array', () => {
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', '__Host-session=tok']);
  });

  it('fills requestContext.http and the time', () => {
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      path: '/registrations/r1/payment',
      protocol: 'HTTP/1.1',
    });
    expect(event.requestContext.timeEpoch).toBe(now.getTime());
    expect(event.requestContext.routeKey).toBe(event.routeKey);
  });

  it('passes a text body as a string', () => {
    expect(event.body).toBe('{"paid":true}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes a binary body as base64, and omits an empty one', () => {
    const binary = toApiGatewayEvent(
      request('POST', '/x', [['Content-Type', 'application/octet-stream']]),
      Buffer.from([0, 255]),
      { routeKey: '$default' },
    );
    expect(binary.isBase64Encoded).toBe(true);
    expect(binary.body).toBe('AP8=');
    const empty = toApiGatewayEvent(request('GET', '/x', []), Buffer.alloc(0), { routeKey: '$default' });
    expect(empty.body).toBeUndefined();
    expect(empty.rawQueryString).toBe('');
    expect(empty.cookies).toBeUndefined();
  });

  it("writes requestContext.time in API Gateway's own format, and the epoch beside it", () => {
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
    expect(event.requestContext.time).toBe('02/Jan/2026:03:04:05 +0000');
    expect(event.requestContext.timeEpoch).toBe(now.getTime());
    expect(requestTime(new Date('2020-03-12T19:03:58Z'))).toBe('12/Mar/2020:19:03:58 +0000');
  });

  it('keeps the raw path as sent, without normalizing it', () => {
    const raw = toApiGatewayEvent(
      request('GET', '//a/../b?x=1', []),
      Buffer.alloc(0),
      { routeKey: '$default' },
      now,
    );
    expect(raw.rawPath).toBe('//a/../b');
    expect(raw.requestContext.http.path).toBe('//a/../b');
  });
});
