export interface CookieOptions {
  name: string;
  sameSite: 'Strict' | 'Lax' | 'None';
}

/**
 * The one way the service writes a cookie (ASVS 5.0 V3.3): HttpOnly so scripts never see it, Secure
 * (browsers count http://localhost as a secure context, so this holds locally too), Path=/ and no Domain,
 * so the `__Host-` prefix applies. Max-Age 0 expires it.
 */
function serializeCookie(
  name: string,
  value: string,
  maxAgeSeconds: number,
  sameSite: CookieOptions['sameSite'],
) {
  return `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; Secure; SameSite=${sameSite}`;
}

/** The session cookie, with the stage's name and SameSite; Max-Age equals the session lifetime. */
export function sessionCookie(options: CookieOptions, token: string, maxAgeSeconds: number): string {
  return serializeCookie(options.name, token, maxAgeSeconds, options.sameSite);
}

export function expiredSessionCookie(options: CookieOptions): string {
  return sessionCookie(options, '', 0);
}

/** The value of one cookie from API Gateway's payload-2.0 `cookies` array (each item `name=value`). */
export function readCookie(cookies: readonly string[] | undefined, name: string): string | undefined {
  for (const header of cookies ?? []) {
    // A client may still fold several cookies into one item; split defensively.
    for (const pair of header.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
    }
  }
  return undefined;
}

/** `Authorization: Bearer <token>`, for clients that are not browsers. */
export function readBearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * The device cookie: proof that this browser logged in to the account before, so an attacker's failed
 * attempts do not lock it out (see shared/auth/login-throttle-policy.ts). Strict: it only matters to login.
 */
export const DEVICE_COOKIE_NAME = '__Host-device';

export function deviceCookie(token: string, maxAgeSeconds: number): string {
  return serializeCookie(DEVICE_COOKIE_NAME, token, maxAgeSeconds, 'Strict');
}

/**
 * The login that still owes its second factor: a short-lived token of its own audience, never a session.
 * Strict and HttpOnly like the device cookie; it only matters to `POST /login/mfa`.
 */
export const MFA_COOKIE_NAME = '__Host-mfa';

export const mfaCookie = (token: string, maxAgeSeconds: number): string =>
  serializeCookie(MFA_COOKIE_NAME, token, maxAgeSeconds, 'Strict');

/**
 * A sign-in at an identity provider, between its start and its callback: the id of the flow that holds its
 * state, nonce and PKCE verifier, 10 minutes. Lax, so the provider's redirect back carries it; None for a
 * provider that posts its answer from its own site (Apple's form_post), which no SameSite cookie survives.
 */
export const SIGN_IN_FLOW_COOKIE_NAME = '__Host-signin';

export const signInFlowCookie = (id: string, maxAgeSeconds: number, crossSitePost: boolean): string =>
  serializeCookie(SIGN_IN_FLOW_COOKIE_NAME, id, maxAgeSeconds, crossSitePost ? 'None' : 'Lax');

/** A passkey login's challenge id, between its options and its answer: 5 minutes, taken once. */
export const WEBAUTHN_COOKIE_NAME = '__Host-webauthn';

export const webauthnCookie = (id: string, maxAgeSeconds: number): string =>
  serializeCookie(WEBAUTHN_COOKIE_NAME, id, maxAgeSeconds, 'Strict');
