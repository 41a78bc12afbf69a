import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiServer } from '#infra/local/api-server';
import { createFunctionRuntime } from '#infra/local/function-runtime';
import { apiUrl } from './http-client.ts';

/** A request sent exactly as written: no client-side URL normalization of `//`, `/../` or bad escapes. */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body = '') {
  const { hostname, port } = new URL(base);
  return new Promise<{ status: number; headers: Record<string, unknown>; json: unknown }>(
    (resolve, reject) => {
      const req = request({ hostname, port, method, path, headers }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            json: text ? JSON.parse(text) : undefined,
          }),
        );
      });
      req.on('error', reject);
      req.end(body);
    },
  );
}

const SECURITY = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

describe('the local API Gateway, as the HTTP API answers', () => {
  it('answers a path whose percent-escapes do not decode with a 400 JSON, never a 500', async () => {
    for (const path of ['/registrations/%E0%A4%A', '/%ZZ', '/registrations/%']) {
      const response = await raw(apiUrl, 'GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.json).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
      expect(response.headers).toMatchObject(SECURITY);
    }
  });

  it('matches routes on the raw path: //signup and /x/../signup are not /signup', async () => {
    for (const path of ['//signup', '/registrations/../signup', '/signup/']) {
      const response = await raw(apiUrl, 'POST', path, { 'content-type': 'application/json' }, '{}');
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect((response.json as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it("puts the security headers on its own errors too (413 over API Gateway's 10 MB)", async () => {
    const response = await raw(
      apiUrl,
      'POST',
      '/signup',
      { 'content-type': 'application/json' },
      'x'.repeat(10 * 1024 * 1024 + 1),
    );
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ message: 'Request Entity Too Large' });
    expect(response.headers).toMatchObject(SECURITY);
  });

  it('answers preflights itself only where the stack configures CORS, with its MaxAge', async () => {
    const preflight = {
      origin: 'http://app.allowed.test',
      'access-control-request-method': 'POST',
    };
    const configured = await raw(apiUrl, 'OPTIONS', '/signup', preflight);
    expect(configured.status).toBe(204);
    expect(configured.headers['access-control-max-age']).toBe('600');

    // A stage with no allowed origins has no CORS configuration: OPTIONS goes to the routes like any method.
    const notFound = createFunctionRuntime({
      functionName: 'not-found',
      moduleUrl: new URL('../../functions/not-found.ts', import.meta.url).href,
      environment: { STAGE: 'local', LOG_LEVEL: 'SILENT' },
      timeoutSeconds: 10,
      memoryMb: 512,
    });
    const server = createApiServer({ routes: new Map([['$default', notFound]]), cors: undefined });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    afterAll(async () => {
      server.close();
      await notFound.stop();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const unconfigured = await raw(base, 'OPTIONS', '/signup', preflight);
    expect(unconfigured.status).toBe(404);
    expect(unconfigured.headers['access-control-max-age']).toBeUndefined();
    expect(unconfigured.headers['access-control-allow-origin']).toBeUndefined();
  });
});
