import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { clientAddress, edgeOnly, ORIGIN_VERIFY_HEADER } from '#shared/http/edge';

const event = (headers: Record<string, string>, sourceIp = '203.0.113.9') =>
  ({ headers, requestContext: { http: { sourceIp, method: 'POST' } } }) as unknown as APIGatewayProxyEventV2;
const SECRET = 'the-origin-secret-only-cloudfront-knows';

describe("the client's address", () => {
  it("is API Gateway's source address, whatever X-Forwarded-For or Forwarded say", () => {
    expect(clientAddress(event({ 'x-forwarded-for': '1.2.3.4', forwarded: 'for=1.2.3.4' }), undefined)).toBe(
      '203.0.113.9',
    );
  });

  it("is CloudFront's viewer address behind the edge, IPv4 or IPv6, when the origin secret comes with it", () => {
    const verified = { [ORIGIN_VERIFY_HEADER]: SECRET };
    expect(
      clientAddress(event({ ...verified, 'cloudfront-viewer-address': '198.51.100.7:46532' }), SECRET),
    ).toBe('198.51.100.7');
    expect(
      clientAddress(
        event({ ...verified, 'cloudfront-viewer-address': '2001:db8:85a3::8a2e:370:7334:443' }),
        SECRET,
      ),
    ).toBe('2001:db8:85a3::8a2e:370:7334');
  });

  it('ignores a viewer header sent without the secret, or with a wrong one: anyone can send the header', () => {
    const spoofed = { 'cloudfront-viewer-address': '198.51.100.7:1' };
    expect(clientAddress(event(spoofed), SECRET)).toBe('203.0.113.9');
    expect(clientAddress(event({ ...spoofed, [ORIGIN_VERIFY_HEADER]: 'guess' }), SECRET)).toBe('203.0.113.9');
    expect(clientAddress(event({ ...spoofed, [ORIGIN_VERIFY_HEADER]: SECRET }), undefined)).toBe(
      '203.0.113.9',
    );
  });
});

describe('with the edge on', () => {
  const before = (headers: Record<string, string>, secret: string | undefined) =>
    edgeOnly(secret).before?.({ event: event(headers) } as never);

  it('refuses a request that went around CloudFront with 403, and lets CloudFront through', async () => {
    await expect(before({}, SECRET)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(before({ [ORIGIN_VERIFY_HEADER]: 'nope' }, SECRET)).rejects.toMatchObject({ status: 403 });
    await expect(before({ [ORIGIN_VERIFY_HEADER]: SECRET }, SECRET)).resolves.toBeUndefined();
  });

  it('and off, asks nothing', async () => {
    await expect(before({}, undefined)).resolves.toBeUndefined();
  });
});
