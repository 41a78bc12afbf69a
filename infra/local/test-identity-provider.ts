import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  Events,
  type MutableRedirectUri,
  type MutableToken,
  OAuth2Issuer,
  OAuth2Service,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';

/**
 * The local stack's OpenID provider (`npm start`, provider `test`), never part of a deployed stage:
 * `oauth2-mock-server` in this process, with real keys (RS256, published at its JWKS), discovery, PKCE and
 * nonces. It signs in whoever `login_hint` names, without a password (the subject derived from the address,
 * `email_verified: true`); without a hint it shows a form to type an address, so a person can try every flow
 * in a browser. Tests reach its `service` to make it misbehave (another key, another audience, a stale token).
 */
export interface TestIdentityProvider {
  url: string;
  issuer: OAuth2Issuer;
  service: OAuth2Service;
  stop(): Promise<void>;
}

/** The subject the test provider gives an address: stable, and the same whatever its case. */
export const testSubject = (email: string): string =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 24);

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page that asks for an address when the client gave no `login_hint`. */
function addressForm(query: URLSearchParams): string {
  const hidden = [...query]
    .filter(([name]) => name !== 'login_hint')
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Test identity provider</title><style>body{font:16px system-ui;max-width:24rem;margin:3rem auto;padding:0 1rem}
input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.25rem 0}</style></head><body>
<main><h1>Test identity provider</h1><p>Local only: any address signs in, as a verified address.</p>
<form method="get" action="/authorize">${hidden}<label for="login_hint">Email address</label>
<input id="login_hint" name="login_hint" type="email" required autocomplete="email">
<button type="submit">Sign in</button></form></main></body></html>`;
}

export async function startTestIdentityProvider(
  port: number,
  host = '127.0.0.1',
  /** Served over TLS with this key and certificate (a deployed stage speaks to providers over TLS only). */
  tls?: { key: string; cert: string },
  /** Its signing keys (JWKs with their private parts), as a provider keeps them across a restart; else new. */
  keys?: readonly Record<string, unknown>[],
): Promise<TestIdentityProvider> {
  const issuer = new OAuth2Issuer();
  if (keys?.length) for (const key of keys) await issuer.keys.add(key);
  else await issuer.keys.generate('RS256');
  const service = new OAuth2Service(issuer);
  // Who each code was issued to, until its tokens are made (a code works once: PKCE's challenge is spent).
  const people = new Map<string, string>();
  service.on(Events.BeforeAuthorizeRedirect, ({ url }: MutableRedirectUri, req: IncomingMessage) => {
    const hint = new URL(req.url ?? '/', 'http://provider').searchParams.get('login_hint');
    const code = url.searchParams.get('code');
    if (!hint || !code) return;
    people.set(code, hint.trim());
    if (people.size > 1000) people.delete(people.keys().next().value as string);
  });
  service.on(Events.BeforeTokenSigning, (token: MutableToken, req: TokenRequestIncomingMessage) => {
    const code = req.body?.code;
    const email = typeof code === 'string' ? people.get(code) : undefined;
    if (!email) return;
    Object.assign(token.payload, {
      sub: testSubject(email),
      email,
      email_verified: true,
      preferred_username: email.split('@')[0],
    });
  });
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://provider');
    if (req.method === 'GET' && url.pathname === '/authorize' && !url.searchParams.get('login_hint')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(addressForm(url.searchParams));
      return;
    }
    service.requestHandler(req, res);
  };
  const server: Server = tls ? createTlsServer(tls, handle) : createServer(handle);
  await new Promise<void>((ready) => server.listen(port, host, ready));
  issuer.url = `${tls ? 'https' : 'http'}://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: issuer.url,
    issuer,
    service,
    async stop() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
