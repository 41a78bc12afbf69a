import { expect } from 'vitest';
import { softwareAuthenticator } from '../support/webauthn.ts';
import { type ApiResponse, apiUrl, call, signUp } from './http-client.ts';

/** WebAuthn binds passkeys to a domain name: the local stack's relying party is the client at localhost. */
export const origin = apiUrl.replace('127.0.0.1', 'localhost');

const WEBAUTHN_COOKIE = '__Host-webauthn';

/** The challenge cookie a passkey options answer sets, as a `Cookie` header pair. */
export const challengeCookie = (response: ApiResponse) =>
  response.setCookies.find((cookie) => cookie.startsWith(`${WEBAUTHN_COOKIE}=`))?.split(';')[0] ?? '';

/** A signed-up user with one passkey on a software authenticator. */
export async function userWithPasskey() {
  const account = await signUp();
  const device = softwareAuthenticator({ origin });
  const options = await call('POST', '/passkeys/register/options', { token: account.token });
  const registered = await call('POST', '/passkeys/register', {
    token: account.token,
    json: { response: device.create(options.json as never) },
  });
  expect(registered.status).toBe(201);
  return { ...account, device, passkey: registered.json as { id: string; name: string } };
}
