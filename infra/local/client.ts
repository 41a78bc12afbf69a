import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { openApiText } from '#infra/openapi/document';

export interface ClientAssets {
  /** Answers GET requests for the client's files; false for anything else. */
  serve(request: IncomingMessage, response: ServerResponse): boolean;
}

const clientDir = new URL('../../client/', import.meta.url);

/**
 * The browser client, built with the project's own esbuild into memory at start, and served with the API
 * base URL and the mail viewer's URL written into the page. `apiUrl` is empty when the page and the API
 * share an origin; another origin's page names the API's full URL, the deployed shape.
 */
export async function buildClient(options: { apiUrl: string; mailUrl: string }): Promise<ClientAssets> {
  const script = await build({
    entryPoints: [new URL('app.ts', clientDir).pathname],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    write: false,
  });
  const connect = options.apiUrl ? ` ${new URL(options.apiUrl).origin}` : '';
  const files: Record<string, { type: string; body: string; csp?: string }> = {
    '/': {
      type: 'text/html; charset=utf-8',
      body: readFileSync(new URL('index.html', clientDir), 'utf8')
        .replace('%API_URL%', options.apiUrl)
        .replace('%MAIL_URL%', options.mailUrl),
    },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: script.outputFiles[0]?.text ?? '' },
    '/style.css': {
      type: 'text/css; charset=utf-8',
      body: readFileSync(new URL('style.css', clientDir), 'utf8'),
    },
    // Declared by the page, so a browser asks for no /favicon.ico to answer with a 404.
    '/favicon.svg': {
      type: 'image/svg+xml',
      body: readFileSync(new URL('favicon.svg', clientDir), 'utf8'),
    },
  };
  // The pages the links in account mails open are the same page, which reads its path (a static host needs
  // the same fallback: docs/deploy.md).
  for (const page of ['/index.html', '/verify-email', '/reset-password'])
    files[page] = files['/'] as { type: string; body: string };
  Object.assign(files, apiReference());
  const headers = {
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'self'; connect-src 'self'${connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  return {
    serve(request, response) {
      // The raw path: resolved as a URL, `//x` would read as host `x` (and `//` as no URL at all).
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const file = request.method === 'GET' ? files[path] : undefined;
      if (!file) return false;
      const csp = file.csp ?? headers['content-security-policy'];
      response
        .writeHead(200, { ...headers, 'content-security-policy': csp, 'content-type': file.type })
        .end(file.body);
      return true;
    },
  };
}

/**
 * The API's reference, locally: `/openapi.json` (the generated document) and `/docs`, Redoc's standalone
 * bundle from the npm package (no CDN) rendering it. Redoc styles itself with inline styles and searches in
 * a blob worker, which this page's own CSP allows, and only it.
 */
function apiReference(): Record<string, { type: string; body: string; csp?: string }> {
  const redoc = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  const csp =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src blob:; frame-ancestors 'none'; base-uri 'none'";
  return {
    '/openapi.json': { type: 'application/json; charset=utf-8', body: openApiText() },
    '/docs': {
      type: 'text/html; charset=utf-8',
      csp,
      body: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Pistus API reference</title>
    <script src="/redoc.standalone.js"></script>
    <script src="/docs.js" defer></script>
  </head>
  <body><div id="reference"></div></body>
</html>
`,
    },
    '/docs.js': {
      type: 'text/javascript; charset=utf-8',
      body: "Redoc.init('/openapi.json', { hideDownloadButton: false }, document.getElementById('reference'));\n",
    },
    '/redoc.standalone.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(redoc, 'utf8') },
  };
}

/** The client alone, on an origin of its own, calling the API at its full URL. */
export async function startClientServer(port: number, client: ClientAssets): Promise<Server> {
  const server = createServer((request, response) => {
    if (!client.serve(request, response))
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  return server;
}
