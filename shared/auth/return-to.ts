/**
 * Where a sign-in at a provider sends the browser back to: a path on the client (`/account`), or an address
 * at one of the allowed origins. Anything else (another site, `//evil.example`, `/\evil.example`, a
 * `javascript:` URL) is refused, so the API is never an open redirector (ASVS 5.0 V10.1.2 on redirect URIs;
 * OWASP Unvalidated Redirects).
 */
export function resolveReturnTo(
  raw: string,
  client: { appUrl: string; allowedOrigins: readonly string[] },
): string | undefined {
  // Browsers read a backslash as a slash and drop tabs and newlines from URLs: none of them belongs in one.
  if (raw.length > 2048 || /\\|\s/.test(raw) || [...raw].some((c) => c < ' ' || c === '\u007f'))
    return undefined;
  const app = new URL(client.appUrl);
  if (raw.startsWith('/')) {
    if (raw.startsWith('//')) return undefined;
    const url = new URL(raw, app);
    return url.origin === app.origin ? url.href : undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password) return undefined;
  return url.origin === app.origin || client.allowedOrigins.includes(url.origin) ? url.href : undefined;
}

/** The return address with the outcome of the sign-in added, as `auth_error=<code>` or another parameter. */
export function withOutcome(returnTo: string, name: string, value: string): string {
  const url = new URL(returnTo);
  url.searchParams.set(name, value);
  return url.href;
}
