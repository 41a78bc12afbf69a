import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  get as httpGet,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  Events,
  OAuth2Issuer,
  OAuth2Service,
  type MutableToken,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';
import type { ApiResponse, CallOptions } from './http-client.ts';

/** A port free now, for a stand-in the stack is told about before it starts. */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** A provider that takes connections and never answers: what a provider down behind its load balancer does. */
export async function startSilentServer(port: number): Promise<{ stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  return {
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

/**
 * GitHub as the GitHub preset sees it: OAuth 2 at `/login/oauth/authorize` and `/login/oauth/access_token`
 * (oauth2-mock-server, PKCE checked), and its API's `/user` and `/user/emails` for the bearer token's user.
 * The login is the part of `login_hint` before the `@`; an address starting `unverified` is not verified.
 */
export async function startGithubStandIn(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const issuer = new OAuth2Issuer();
  await issuer.keys.generate('RS256');
  const service = new OAuth2Service(issuer, {
    authorize: '/login/oauth/authorize',
    token: '/login/oauth/access_token',
  });
  const people = new Map<string, string>();
  service.on(Events.BeforeAuthorizeRedirect, ({ url }, req: IncomingMessage) => {
    const hint = new URL(req.url ?? '/', 'http://github').searchParams.get('login_hint');
    const code = url.searchParams.get('code');
    if (hint && code) people.set(code, hint);
  });
  service.on(Events.BeforeTokenSigning, (token: MutableToken, req: TokenRequestIncomingMessage) => {
    const email = people.get(String(req.body?.code));
    if (email) token.payload.email = email;
  });
  const emailOf = (req: IncomingMessage) => {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const claims = JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString() || '{}');
    return typeof claims.email === 'string' ? claims.email : undefined;
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://github').pathname;
    if (path === '/api/user' || path === '/api/user/emails') {
      const email = emailOf(req);
      if (!email) return json(res, 401, { message: 'Bad credentials' });
      const login = email.split('@')[0] as string;
      if (path === '/api/user')
        return json(res, 200, { id: 9_000_000 + login.length * 7919 + login.charCodeAt(0), login });
      return json(res, 200, [
        { email: `other-${email}`, primary: false, verified: true },
        { email, primary: true, verified: !email.startsWith('unverified') },
      ]);
    }
    service.requestHandler(req, res);
  });
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  issuer.url = `http://127.0.0.1:${port}`;
  return {
    url: issuer.url,
    async stop() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

type Call = (method: string, path: string, options?: CallOptions) => Promise<ApiResponse>;

/** A cookie's value from a response's Set-Cookie, as a browser would keep it. */
export const cookieFrom = (response: ApiResponse, name: string): string | undefined =>
  response.setCookies
    .find((header) => header.startsWith(`${name}=`))
    ?.split(';')[0]
    ?.slice(name.length + 1);

/**
 * A browser's sign-in at a provider, step by step: the start (its redirect and flow cookie), the provider's
 * authorization (its redirect back, with code and state), and the callback with the browser's cookies.
 */
export function providerSignIn(
  call: Call,
  /** The certificate a provider over TLS is trusted by (the artifacts' stand-in's), as the browser's CAs. */
  ca?: string,
) {
  return {
    async start(
      provider: string,
      query: Record<string, string>,
      cookie?: string,
      headers: Record<string, string> = {},
    ) {
      const response = await call('GET', `/auth/${provider}/start?${new URLSearchParams(query)}`, {
        headers: { ...headers, ...(cookie ? { cookie } : {}) },
      });
      return {
        response,
        location: response.headers.get('location') ?? '',
        flow: cookieFrom(response, '__Host-signin'),
      };
    },
    /** The provider's answer: where it sends the browser back (its redirect), with code and state. */
    async authorize(location: string): Promise<URL> {
      const answer = await new Promise<IncomingMessage>((resolve, reject) => {
        const url = new URL(location);
        const request =
          url.protocol === 'https:'
            ? httpsGet(url, { ca: ca && readFileSync(ca) }, resolve)
            : httpGet(url, resolve);
        request.on('error', reject);
      });
      answer.resume();
      const back = answer.headers.location;
      if (answer.statusCode !== 302 || !back) throw new Error(`the provider answered ${answer.statusCode}`);
      return new URL(back);
    },
    callback(back: URL, cookie: string, method: 'GET' | 'POST' = 'GET') {
      if (method === 'GET') return call('GET', `${back.pathname}${back.search}`, { headers: { cookie } });
      return call('POST', back.pathname, {
        body: back.searchParams.toString(),
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://appleid.apple.com',
        },
      });
    },
    /** The whole of it, for a sign-in that is not what the test is about; `cookie` is the browser's others. */
    async complete(provider: string, query: Record<string, string>, cookie = '') {
      const started = await this.start(provider, query, cookie || undefined);
      if (started.response.status !== 302)
        throw new Error(`start answered ${started.response.status}: ${started.response.text}`);
      const back = await this.authorize(started.location);
      const cookies = [cookie, `__Host-signin=${started.flow}`].filter(Boolean).join('; ');
      return this.callback(back, cookies);
    },
  };
}
