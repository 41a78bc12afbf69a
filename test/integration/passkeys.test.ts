import { describe, expect, it } from 'vitest';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { softwareAuthenticator } from '../support/webauthn.ts';
import { call, errorCode, sessionToken, signUp } from './http-client.ts';
import { challengeCookie, origin, userWithPasskey } from './passkey-user.ts';

/** A passkey login: options (their challenge in a cookie), the authenticator's answer, and the result. */
async function passkeyLogin(device: ReturnType<typeof softwareAuthenticator>) {
  const options = await call('POST', '/passkeys/login/options');
  const answer = device.get(options.json as never);
  const response = await call('POST', '/passkeys/login', {
    json: { response: answer },
    headers: { cookie: challengeCookie(options) },
  });
  return { options, answer, response };
}

describe('adding passkeys', () => {
  it('registers a passkey (201), lists it without its key, and excludes it from the next creation options', async () => {
    const { token, passkey } = await userWithPasskey();
    expect(passkey).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    const list = await call('GET', '/passkeys', { token });
    expect(list.json).toEqual({
      items: [{ id: passkey.id, name: passkey.name, createdAt: expect.any(String) }],
    });
    const next = (await call('POST', '/passkeys/register/options', { token })).json as {
      excludeCredentials: { id: string }[];
      authenticatorSelection: { residentKey: string; userVerification: string };
      rp: { id: string };
    };
    expect(next.excludeCredentials.map((credential) => credential.id)).toEqual([passkey.id]);
    expect(next.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(next.rp.id).toBe('localhost');
  });

  it('refuses an answer without user verification, to a used challenge, or from another origin', async () => {
    const { token } = await signUp();
    const options = async () => (await call('POST', '/passkeys/register/options', { token })).json as never;
    const noUv = softwareAuthenticator({ origin, verifiesUser: false });
    const refused = await call('POST', '/passkeys/register', {
      token,
      json: { response: noUv.create(await options()) },
    });
    expect(errorCode(refused)).toBe('invalid_passkey');
    const elsewhere = softwareAuthenticator({ origin: 'http://evil.example' });
    expect(
      errorCode(
        await call('POST', '/passkeys/register', {
          token,
          json: { response: elsewhere.create(await options()) },
        }),
      ),
    ).toBe('invalid_passkey');
    const device = softwareAuthenticator({ origin });
    const answer = device.create(await options());
    expect((await call('POST', '/passkeys/register', { token, json: { response: answer } })).status).toBe(
      201,
    );
    expect(errorCode(await call('POST', '/passkeys/register', { token, json: { response: answer } }))).toBe(
      'invalid_passkey',
    );
  });

  it('needs a session', async () => {
    expect((await call('POST', '/passkeys/register/options')).status).toBe(401);
    expect((await call('GET', '/passkeys')).status).toBe(401);
  });
});

describe('signing in with a passkey', () => {
  it('binds the challenge to a 5-minute HttpOnly cookie, and answers the user and a session', async () => {
    const { username, device } = await userWithPasskey();
    const { options, response } = await passkeyLogin(device);
    const cookie = options.setCookies.find((c) => c.startsWith('__Host-webauthn=')) ?? '';
    expect(cookie).toMatch(/Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Strict/);
    expect((options.json as { userVerification: string }).userVerification).toBe('required');
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ username });
    expect((await call('GET', '/check_session', { token: sessionToken(response) })).status).toBe(200);
  });

  it('satisfies the second factor: a user with TOTP on gets a session from a passkey alone', async () => {
    const { token, device } = await userWithPasskey();
    const { secret } = (await call('POST', '/mfa/totp', { token })).json as { secret: string };
    await awayFromStepEdge();
    await call('POST', '/mfa/totp/confirm', { token, json: { code: authenticator(secret).code() } });
    const { response } = await passkeyLogin(device);
    expect(response.json).toMatchObject({ mfaEnabled: true });
    expect(sessionToken(response)).toBeDefined();
  });

  it('takes each challenge once, and refuses an answer without its cookie or with a counter that did not move', async () => {
    const { device } = await userWithPasskey();
    const { options, answer } = await passkeyLogin(device);
    const replay = await call('POST', '/passkeys/login', {
      json: { response: answer },
      headers: { cookie: challengeCookie(options) },
    });
    expect(replay.status).toBe(401);
    expect(errorCode(replay)).toBe('invalid_passkey');
    const fresh = await call('POST', '/passkeys/login/options');
    const noCookie = await call('POST', '/passkeys/login', {
      json: { response: device.get(fresh.json as never) },
    });
    expect(errorCode(noCookie)).toBe('invalid_passkey');
    // A clone of the authenticator, copied before its last use, shows a counter the server has already seen.
    const original = device.credentials[0];
    if (original) original.counter = 0;
    expect((await passkeyLogin(device)).response.status).toBe(401);
  });

  it('refuses a challenge cookie or a credential id that could not be a key: 401 and 400, never a 500', async () => {
    const { device, token } = await userWithPasskey();
    const options = await call('POST', '/passkeys/login/options');
    const oversized = await call('POST', '/passkeys/login', {
      json: { response: device.get(options.json as never) },
      headers: { cookie: `__Host-webauthn=${'A'.repeat(3000)}` },
    });
    expect(oversized.status).toBe(401);
    expect(errorCode(oversized)).toBe('invalid_passkey');
    // 700 characters of 3 bytes each: under the length limit, over the 2,048 bytes of a DynamoDB key.
    const wide = await call('DELETE', `/passkeys/${encodeURIComponent('€'.repeat(700))}`, { token });
    expect(wide.status).toBe(400);
    expect(errorCode(wide)).toBe('invalid_input');
  });

  it("stops working once removed; removing someone else's is 404", async () => {
    const { token, device, passkey } = await userWithPasskey();
    const other = await signUp();
    expect((await call('DELETE', `/passkeys/${passkey.id}`, { token: other.token })).status).toBe(404);
    expect((await call('DELETE', `/passkeys/${passkey.id}`, { token })).status).toBe(204);
    expect((await passkeyLogin(device)).response.status).toBe(401);
    expect((await call('GET', '/passkeys', { token })).json).toEqual({ items: [] });
  });
});
