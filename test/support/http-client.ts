import { randomBytes, randomInt } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { undocumented } from './openapi-check.ts';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body, or undefined when the body is empty. */
  json: unknown;
  setCookies: string[];
}

export interface CallOptions {
  /** Sent as a JSON body with `content-type: application/json`. */
  json?: unknown;
  /** Sent as is, with whatever headers the test gives. */
  body?: string;
  headers?: Record<string, string>;
  /** A session token to send as the session cookie. */
  token?: string;
}

export const COOKIE_NAME = '__Host-session';

/**
 * The same request from another client IP: the whole 127.0.0.0/8 range is this machine, so a test that
 * needs its own IP (the per-IP brute-force counter) binds its connection to one, as a real client would be.
 */
function callFromAt(
  apiUrl: string,
  ip: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const url = new URL(`${apiUrl}${path}`);
  const { headers, body } = prepare(options);
  // Node frames a DELETE body only with an explicit length (it never chunks a DELETE).
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, localAddress: ip }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const item of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, item);
        }
        try {
          resolve(
            documented(method, path, {
              status: response.statusCode ?? 0,
              headers: responseHeaders,
              text,
              json: text ? JSON.parse(text) : undefined,
              setCookies: responseHeaders.getSetCookie(),
            }),
          );
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Every response a test receives is checked against the OpenAPI document: a status it does not document, or
 * a body that does not match, fails the test that received it.
 */
function documented(method: string, path: string, response: ApiResponse): ApiResponse {
  const problem = undocumented(method, path, response.status, response.text);
  if (problem) throw new Error(`response outside the OpenAPI document: ${problem}`);
  return response;
}

/** The headers and body a request's options stand for. */
function prepare(options: CallOptions): { headers: Record<string, string>; body: string | undefined } {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.token !== undefined) headers.cookie = `${COOKIE_NAME}=${options.token}`;
  return { headers, body };
}

async function callAt(
  apiUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const { headers, body } = prepare(options);
  // Redirects are answers to check (a sign-in at a provider), never followed.
  const send = () => fetch(`${apiUrl}${path}`, { method, headers, body, redirect: 'manual' });
  // A kept-alive connection the server closed while this process was blocked (an operator command run
  // with spawnSync) fails the next request sent on it: a GET, which changes nothing, is sent once more.
  const response = await send().catch((error: { cause?: { code?: string } }) => {
    if (method === 'GET' && ['UND_ERR_SOCKET', 'ECONNRESET'].includes(error.cause?.code ?? '')) return send();
    throw error;
  });
  const text = await response.text();
  return documented(method, path, {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
    setCookies: response.headers.getSetCookie(),
  });
}

/** The session token from a response's Set-Cookie, if it set one. */
export function sessionToken(response: ApiResponse): string | undefined {
  const cookie = response.setCookies.find((header) => header.startsWith(`${COOKIE_NAME}=`));
  return cookie?.slice(COOKIE_NAME.length + 1).split(';')[0];
}

/** A random address of 127.0.0.0/8, all of which is this machine's loopback. */
export const loopbackAddress = () => `127.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;

export const uniqueUsername = (prefix = 'user') => `${prefix}_${randomBytes(5).toString('hex')}`;

export const PASSWORD = 'correct horse battery staple';

/** A client of one API: requests, requests from another loopback address, and a fresh signed-up user. */
export function httpClient(apiUrl: string) {
  const call = (method: string, path: string, options: CallOptions = {}) =>
    callAt(apiUrl, method, path, options);
  return {
    apiUrl,
    call,
    callFrom: (ip: string, method: string, path: string, options: CallOptions = {}) =>
      callFromAt(apiUrl, ip, method, path, options),
    /**
     * Signs up a fresh user and returns its session token, from a loopback address of its own: many users
     * from one address would meet the per-address signup limit, as a script creating accounts does.
     */
    async signUp(username = uniqueUsername(), password = PASSWORD) {
      const response = await callFromAt(apiUrl, loopbackAddress(), 'POST', '/signup', {
        json: { username, password },
      });
      if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${response.text}`);
      return {
        username,
        password,
        user: response.json as { id: string; username: string },
        token: sessionToken(response) as string,
      };
    },
  };
}

export const errorCode = (response: ApiResponse) =>
  (response.json as { error?: { code?: string } }).error?.code;
