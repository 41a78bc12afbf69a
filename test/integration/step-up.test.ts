import { describe, expect, it } from 'vitest';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { softwareAuthenticator } from '../support/webauthn.ts';
import { ageSession } from './session-age.ts';
import { challengeCookie, origin, userWithPasskey } from './passkey-user.ts';
import {
  call,
  callFrom,
  COOKIE_NAME,
  errorCode,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  signUp,
} from './http-client.ts';
import { lastMailTo, linkToken } from './mail.ts';

/**
 * Step-up (security round 3, findings 1–3): a copy of a session cookie alone cannot add a passkey, change the
 * email address or turn a second factor on or off once the user's last proof in it is older than
 * REAUTH_WINDOW_SECONDS (600 s here). The session's age is moved in its table, as an hour passing would.
 */

const reauth = (token: string, json: object, ip = loopbackAddress()) =>
  callFrom(ip, 'POST', '/reauth', { token, json });

/** A user whose session is stale: signed up, then the proof aged. */
async function staleUser() {
  const account = await signUp();
  await ageSession(account.token);
  return account;
}

/** A signed-up user with one passkey on a software authenticator, its session then an hour old. */
async function staleUserWithPasskey() {
  const { passkey, ...account } = await userWithPasskey();
  await ageSession(account.token);
  return { ...account, passkeyId: passkey.id };
}

/** Steps up with a passkey: a login challenge, the authenticator's answer, both cookies sent. */
async function reauthByPasskey(token: string, device: ReturnType<typeof softwareAuthenticator>) {
  const options = await call('POST', '/passkeys/login/options');
  return call('POST', '/reauth', {
    json: { passkey: device.get(options.json as never) },
    headers: { cookie: `${COOKIE_NAME}=${token}; ${challengeCookie(options)}` },
  });
}

const expectReauthRequired = (response: { status: number; json: unknown }) => {
  expect(response.status).toBe(403);
  expect(errorCode(response as never)).toBe('reauthentication_required');
};

describe('a stolen session cannot keep the account', () => {
  it('cannot add a passkey without proving who it is; after POST /reauth it can', async () => {
    const { token } = await staleUser();
    expectReauthRequired(await call('POST', '/passkeys/register/options', { token }));
    expect((await call('GET', '/passkeys', { token })).json).toEqual({ items: [] });

    expect((await reauth(token, { password: PASSWORD })).status).toBe(204);
    const device = softwareAuthenticator({ origin });
    const options = await call('POST', '/passkeys/register/options', { token });
    expect(options.status).toBe(200);
    const added = await call('POST', '/passkeys/register', {
      token,
      json: { response: device.create(options.json as never) },
    });
    expect(added.status).toBe(201);
  });

  it('cannot answer registration options it got while fresh, once stale', async () => {
    const { token } = await signUp();
    const device = softwareAuthenticator({ origin });
    const options = await call('POST', '/passkeys/register/options', { token });
    await ageSession(token);
    const added = await call('POST', '/passkeys/register', {
      token,
      json: { response: device.create(options.json as never) },
    });
    expectReauthRequired(added);
    expect((await call('GET', '/passkeys', { token })).json).toEqual({ items: [] });
  });

  it('cannot change the email address: the owner keeps the address resets go to', async () => {
    const { token } = await staleUser();
    const attacker = `attacker.${Date.now()}@example.com`;
    expectReauthRequired(await call('PUT', '/email', { token, json: { email: attacker } }));
    expect(await lastMailTo(attacker)).toBeUndefined();
    expect((await call('GET', '/check_session', { token })).json).not.toHaveProperty('email', attacker);
  });

  it('cannot turn TOTP on with a secret only the attacker holds', async () => {
    const { token } = await staleUser();
    expectReauthRequired(await call('POST', '/mfa/totp', { token }));
    expectReauthRequired(await call('POST', '/mfa/totp/confirm', { token, json: { code: '123456' } }));
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({ mfaEnabled: false });
  });

  it('with TOTP on: removing a passkey needs a code to step up (a password alone is not enough); turning TOTP off takes its own code', async () => {
    const { token } = await signUp();
    const offer = await call('POST', '/mfa/totp', { token });
    const codes = authenticator((offer.json as { secret: string }).secret);
    // Each code works once and steps only move forward: confirm with the last step, prove with this one,
    // turn off with the next (all three are accepted, one step of clock skew either way).
    await awayFromStepEdge();
    expect((await call('POST', '/mfa/totp/confirm', { token, json: { code: codes.code(-1) } })).status).toBe(
      200,
    );
    const device = softwareAuthenticator({ origin });
    const options = await call('POST', '/passkeys/register/options', { token });
    const passkey = await call('POST', '/passkeys/register', {
      token,
      json: { response: device.create(options.json as never) },
    });
    await ageSession(token);
    const id = (passkey.json as { id: string }).id;
    expectReauthRequired(await call('DELETE', `/passkeys/${id}`, { token }));
    // A phished password beside the stolen session does not step up an account with a second factor.
    const byPassword = await reauth(token, { password: PASSWORD });
    expect(byPassword.status).toBe(400);
    expect(errorCode(byPassword)).toBe('code_required');
    expectReauthRequired(await call('DELETE', `/passkeys/${id}`, { token }));
    expect((await call('GET', '/passkeys', { token })).json).toMatchObject({ items: [{}] });

    expect((await reauth(token, { code: codes.code(0) })).status).toBe(204);
    expect((await call('DELETE', `/passkeys/${id}`, { token })).status).toBe(204);
    // Turning TOTP off asks for a current code itself: a stale session without one changes nothing.
    await ageSession(token);
    expect(errorCode(await call('DELETE', '/mfa/totp', { token, json: { code: '000000' } }))).toBe(
      'invalid_code',
    );
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({ mfaEnabled: true });
    expect((await call('DELETE', '/mfa/totp', { token, json: { code: codes.code(1) } })).status).toBe(204);
  });

  it('refuses a wrong proof with 400 invalid_credentials, keeps the session, and counts it toward the lock', async () => {
    const { token, username } = await staleUser();
    const ip = loopbackAddress();
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await reauth(token, { password: 'not the password at all' }, ip);
      expect(wrong.status).toBe(400);
      expect(errorCode(wrong)).toBe('invalid_credentials');
    }
    expect((await call('GET', '/check_session', { token })).status).toBe(200);
    // Five wrong proofs lock the account as five wrong logins do: the right password waits too.
    const locked = await reauth(token, { password: PASSWORD }, ip);
    expect(locked.status).toBe(429);
    const login = await callFrom(loopbackAddress(), 'POST', '/login', {
      json: { username, password: PASSWORD },
    });
    expect(login.status).toBe(429);
    expectReauthRequired(await call('PUT', '/email', { token, json: { email: 'someone@example.com' } }));
  });

  it('takes exactly one proof: neither or both is invalid_input; a code on an account without TOTP is wrong', async () => {
    const { token } = await staleUser();
    expect(errorCode(await reauth(token, {}))).toBe('invalid_input');
    expect(errorCode(await reauth(token, { password: PASSWORD, code: '123456' }))).toBe('invalid_input');
    expect(errorCode(await reauth(token, { code: '123456', passkey: { id: 'x' } }))).toBe('invalid_input');
    expect(errorCode(await reauth(token, { code: '123456' }))).toBe('invalid_credentials');
  });

  it("steps up with one of the account's own passkeys; another account's passkey is a wrong proof", async () => {
    const { token, device, passkeyId } = await staleUserWithPasskey();
    const other = await staleUserWithPasskey();
    const wrong = await reauthByPasskey(token, other.device);
    expect(wrong.status).toBe(400);
    expect(errorCode(wrong)).toBe('invalid_credentials');
    // Refused before it was verified: nothing is recorded on the other account's passkey.
    const others = (await call('GET', '/passkeys', { token: other.token })).json as { items: object[] };
    expect(others.items[0]).not.toHaveProperty('lastUsedAt');
    expectReauthRequired(await call('DELETE', `/passkeys/${passkeyId}`, { token }));

    const proved = await reauthByPasskey(token, device);
    expect(proved.status).toBe(204);
    // The challenge was taken: its cookie is cleared.
    expect(proved.setCookies.some((cookie) => /^__Host-webauthn=;/.test(cookie))).toBe(true);
    expect((await call('DELETE', `/passkeys/${passkeyId}`, { token })).status).toBe(204);
  });

  it('refuses a passkey answer replayed against its used challenge, or without its challenge cookie', async () => {
    const { token, device } = await staleUserWithPasskey();
    const options = await call('POST', '/passkeys/login/options');
    const answer = device.get(options.json as never);
    const headers = { cookie: `${COOKIE_NAME}=${token}; ${challengeCookie(options)}` };
    expect(errorCode(await call('POST', '/reauth', { json: { passkey: answer }, token }))).toBe(
      'invalid_credentials',
    );
    expect((await call('POST', '/reauth', { json: { passkey: answer }, headers })).status).toBe(204);
    await ageSession(token);
    expect(errorCode(await call('POST', '/reauth', { json: { passkey: answer }, headers }))).toBe(
      'invalid_credentials',
    );
    expectReauthRequired(await call('PUT', '/email', { token, json: { email: 'someone@example.com' } }));
  });

  it('after a password reset, the new session removes a passkey it did not add without another proof', async () => {
    const { username, token, passkeyId } = await staleUserWithPasskey();
    const email = `recover.${Date.now()}@example.com`;
    expect((await reauth(token, { password: PASSWORD })).status).toBe(204);
    expect((await call('PUT', '/email', { token, json: { email } })).status).toBe(202);
    await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(email), 'verify-email') },
    });
    await callFrom(loopbackAddress(), 'POST', '/password/forgot', { json: { email } });
    const reset = await call('POST', '/password/reset', {
      json: {
        token: linkToken(await lastMailTo(email), 'reset-password'),
        newPassword: 'the owner is back now',
      },
    });
    expect(reset.status).toBe(204);
    const login = await callFrom(loopbackAddress(), 'POST', '/login', {
      json: { username, password: 'the owner is back now' },
    });
    const fresh = sessionToken(login) as string;
    expect((await call('GET', '/passkeys', { token: fresh })).json).toMatchObject({
      items: [{ id: passkeyId }],
    });
    expect((await call('DELETE', `/passkeys/${passkeyId}`, { token: fresh })).status).toBe(204);
  });

  it('needs a session: without one, 401', async () => {
    expect((await call('POST', '/reauth', { json: { password: PASSWORD } })).status).toBe(401);
  });

  it('is not needed right after signing in', async () => {
    const { token } = await signUp();
    const email = `fresh.${Date.now()}@example.com`;
    expect((await call('PUT', '/email', { token, json: { email } })).status).toBe(202);
    const verified = await call('POST', '/email/verify', {
      json: { token: linkToken(await lastMailTo(email), 'verify-email') },
    });
    expect(verified.status).toBe(204);
  });
});
