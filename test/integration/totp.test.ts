import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { db, tableName } from './emulator.ts';
import {
  call,
  callFrom,
  errorCode,
  loopbackAddress,
  PASSWORD,
  sessionToken,
  signUp,
  type ApiResponse,
} from './http-client.ts';

const MFA_COOKIE = '__Host-mfa';
const mfaToken = (response: ApiResponse) =>
  response.setCookies
    .find((cookie) => cookie.startsWith(`${MFA_COOKIE}=`))
    ?.split(';')[0]
    ?.slice(MFA_COOKIE.length + 1);
const withMfa = (token: string | undefined) => ({ cookie: `${MFA_COOKIE}=${token}` });

/** A user with TOTP on: signed up, offered a secret, confirmed with the code of the step before now. */
async function userWithTotp() {
  const account = await signUp();
  const offer = await call('POST', '/mfa/totp', { token: account.token });
  const { secret, otpauthUri } = offer.json as { secret: string; otpauthUri: string };
  const app = authenticator(secret);
  await awayFromStepEdge();
  const confirmed = await call('POST', '/mfa/totp/confirm', {
    token: account.token,
    json: { code: app.code(-1) },
  });
  expect(confirmed.status).toBe(200);
  const { recoveryCodes } = confirmed.json as { recoveryCodes: string[] };
  return { ...account, secret, otpauthUri, app, recoveryCodes };
}

/** The password half of a login: the challenge cookie, from a client address of its own. */
async function passwordStep(username: string, ip = loopbackAddress()) {
  const response = await callFrom(ip, 'POST', '/login', { json: { username, password: PASSWORD } });
  return { response, challenge: mfaToken(response), ip };
}

describe('TOTP enrolment', () => {
  it('offers a 160-bit base32 secret and its otpauth URI, and enforces nothing until confirmed', async () => {
    const { username, token } = await signUp();
    const offer = await call('POST', '/mfa/totp', { token });
    expect(offer.status).toBe(200);
    const { secret, otpauthUri } = offer.json as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
    const uri = new URL(otpauthUri);
    expect(`${uri.protocol}//${uri.host}${decodeURIComponent(uri.pathname)}`).toBe(
      `otpauth://totp/Pistus:${username}`,
    );
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Pistus');
    const login = await call('POST', '/login', { json: { username, password: PASSWORD } });
    expect(login.json).toMatchObject({ username, mfaEnabled: false });
    expect(sessionToken(login)).toBeDefined();
  });

  it('stores the secret sealed (AES-256-GCM) and the recovery codes hashed, never in plain text', async () => {
    const { username, secret, recoveryCodes } = await userWithTotp();
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName('users'), Key: { usernameKey: username.toLowerCase() } }),
    );
    expect(Item?.totpSecret).toMatch(/^v1\./);
    expect(JSON.stringify(Item)).not.toContain(secret);
    expect(JSON.stringify(Item)).not.toContain(secret.toLowerCase());
    const stored = [...(Item?.recoveryCodes as Set<string>)];
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) {
      expect(JSON.stringify(Item)).not.toContain(code);
      expect(JSON.stringify(Item)).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('refuses a wrong code, then turns TOTP on with 10 single-use recovery codes and ends the other sessions', async () => {
    const { username, token } = await signUp();
    const other = sessionToken(await call('POST', '/login', { json: { username, password: PASSWORD } }));
    const { secret } = (await call('POST', '/mfa/totp', { token })).json as { secret: string };
    const wrong = await call('POST', '/mfa/totp/confirm', { token, json: { code: '000000' } });
    expect(errorCode(wrong)).toBe('invalid_code');
    const bad = await call('POST', '/mfa/totp/confirm', { token, json: { code: '12ab' } });
    expect(errorCode(bad)).toBe('invalid_input');
    await awayFromStepEdge();
    const confirmed = await call('POST', '/mfa/totp/confirm', {
      token,
      json: { code: authenticator(secret).code() },
    });
    const { recoveryCodes } = confirmed.json as { recoveryCodes: string[] };
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await call('GET', '/check_session', { token })).json).toMatchObject({ mfaEnabled: true });
    expect((await call('GET', '/check_session', { token: other })).status).toBe(204);
    const again = await call('POST', '/mfa/totp', { token });
    expect(errorCode(again)).toBe('mfa_already_enabled');
  });
});

describe('a login with TOTP on', () => {
  it('answers the password with a challenge: mfaRequired, a 5-minute HttpOnly __Host-mfa cookie, and no session', async () => {
    const { username } = await userWithTotp();
    const { response, challenge } = await passwordStep(username);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ mfaRequired: true, methods: ['totp', 'recovery_code'] });
    expect(sessionToken(response)).toBeUndefined();
    const cookie = response.setCookies.find((c) => c.startsWith(`${MFA_COOKIE}=`)) ?? '';
    expect(cookie).toMatch(/Max-Age=300; Path=\/; HttpOnly; Secure; SameSite=Strict/);
    expect(challenge).toMatch(/^ey/);
  });

  it('signs in with a current code, refuses the same code again, and accepts one step of skew either way only', async () => {
    const { username, app } = await userWithTotp();
    await awayFromStepEdge();
    const first = await passwordStep(username);
    const done = await callFrom(first.ip, 'POST', '/login/mfa', {
      json: { code: app.code() },
      headers: withMfa(first.challenge),
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ username, mfaEnabled: true });
    const session = sessionToken(done);
    expect((await call('GET', '/check_session', { token: session })).status).toBe(200);
    expect(done.setCookies.some((c) => c.startsWith(`${MFA_COOKIE}=;`) && c.includes('Max-Age=0'))).toBe(
      true,
    );

    const replay = await passwordStep(username);
    const replayed = await callFrom(replay.ip, 'POST', '/login/mfa', {
      json: { code: app.code() },
      headers: withMfa(replay.challenge),
    });
    expect(errorCode(replayed)).toBe('invalid_code');
    const tooOld = await callFrom(replay.ip, 'POST', '/login/mfa', {
      json: { code: app.code(-3) },
      headers: withMfa(replay.challenge),
    });
    expect(errorCode(tooOld)).toBe('invalid_code');
    const ahead = await callFrom(replay.ip, 'POST', '/login/mfa', {
      json: { code: app.code(1) },
      headers: withMfa(replay.challenge),
    });
    expect(ahead.status).toBe(200);
  });

  it('takes a recovery code once', async () => {
    const { username, recoveryCodes } = await userWithTotp();
    const [code] = recoveryCodes;
    const first = await passwordStep(username);
    const used = await callFrom(first.ip, 'POST', '/login/mfa', {
      json: { recoveryCode: code?.toUpperCase() },
      headers: withMfa(first.challenge),
    });
    expect(used.status).toBe(200);
    const second = await passwordStep(username);
    const again = await callFrom(second.ip, 'POST', '/login/mfa', {
      json: { recoveryCode: code },
      headers: withMfa(second.challenge),
    });
    expect(errorCode(again)).toBe('invalid_code');
  });

  it('counts wrong codes on the brute-force counters: 429 after 5', async () => {
    const { username } = await userWithTotp();
    const { challenge, ip } = await passwordStep(username);
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(
        (await callFrom(ip, 'POST', '/login/mfa', { json: { code: '000000' }, headers: withMfa(challenge) }))
          .status,
      );
    expect(answers).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('needs the challenge: without the cookie, or with a forged one, 401 mfa_expired', async () => {
    const { username, app } = await userWithTotp();
    const missing = await call('POST', '/login/mfa', { json: { code: app.code() } });
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('mfa_expired');
    const { challenge } = await passwordStep(username);
    const forged = `${challenge?.slice(0, -4)}AAAA`;
    expect(
      errorCode(await call('POST', '/login/mfa', { json: { code: app.code() }, headers: withMfa(forged) })),
    ).toBe('mfa_expired');
    // A session token is not a challenge: another audience.
    const { token } = await signUp();
    expect(
      errorCode(await call('POST', '/login/mfa', { json: { code: app.code() }, headers: withMfa(token) })),
    ).toBe('mfa_expired');
  });
});

describe('managing TOTP', () => {
  it('turns off with a current code (not without), and logins then give a session at once', async () => {
    const { username, token, app } = await userWithTotp();
    const refused = await call('DELETE', '/mfa/totp', { token, json: { code: '000000' } });
    expect(errorCode(refused)).toBe('invalid_code');
    await awayFromStepEdge();
    expect((await call('DELETE', '/mfa/totp', { token, json: { code: app.code() } })).status).toBe(204);
    const login = await call('POST', '/login', { json: { username, password: PASSWORD } });
    expect(sessionToken(login)).toBeDefined();
    expect(login.json).toMatchObject({ mfaEnabled: false });
    expect(errorCode(await call('DELETE', '/mfa/totp', { token, json: { code: app.code(1) } }))).toBe(
      'mfa_not_enabled',
    );
  });

  it('renews the recovery codes for a current code; the old ones stop working', async () => {
    const { username, token, app, recoveryCodes: old } = await userWithTotp();
    await awayFromStepEdge();
    const renewed = await call('POST', '/mfa/recovery-codes', { token, json: { code: app.code() } });
    expect(renewed.status).toBe(200);
    const { recoveryCodes } = renewed.json as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes.some((code) => old.includes(code))).toBe(false);
    const step = await passwordStep(username);
    expect(
      errorCode(
        await callFrom(step.ip, 'POST', '/login/mfa', {
          json: { recoveryCode: old[0] },
          headers: withMfa(step.challenge),
        }),
      ),
    ).toBe('invalid_code');
    expect(
      (
        await callFrom(step.ip, 'POST', '/login/mfa', {
          json: { recoveryCode: recoveryCodes[0] },
          headers: withMfa(step.challenge),
        })
      ).status,
    ).toBe(200);
  });
});
