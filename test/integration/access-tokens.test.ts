import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { apiUrl, call, errorCode, signUp } from './http-client.ts';
import { operator, signInAdmin } from './operator.ts';

/**
 * Tokens other services verify: discovery, the key set, `POST /token`, and the verification another
 * team's service does with `jose` against the key set fetched over HTTP, as API Gateway's JWT authorizer
 * does it (issuer, audience, signature, expiry).
 */

const discover = async () => {
  const response = await call('GET', '/.well-known/openid-configuration');
  expect(response.status).toBe(200);
  return response.json as {
    issuer: string;
    jwks_uri: string;
    id_token_signing_alg_values_supported: string[];
  };
};

const tokenFor = async (token: string, audience = 'orders-api') => {
  const response = await call('POST', '/token', { token, json: { audience } });
  expect(response.status, response.text).toBe(200);
  return response.json as { access_token: string; token_type: string; expires_in: number };
};

/** What another service does: the issuer from configuration, the keys from the issuer's key set. */
async function verifier() {
  const { issuer, jwks_uri } = await discover();
  const keys = createRemoteJWKSet(new URL(jwks_uri));
  return {
    issuer,
    verify: (token: string, audience = 'orders-api', currentDate?: Date) =>
      jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms: ['ES256'],
        ...(currentDate ? { currentDate } : {}),
      }),
  };
}

describe('discovery and the key set', () => {
  it('names the issuer (the API address) and its key set, which holds public ES256 keys with a kid, cacheable', async () => {
    const config = await discover();
    expect(config.issuer).toBe(apiUrl.replace(/\/+$/, ''));
    expect(config.jwks_uri).toBe(`${config.issuer}/.well-known/jwks.json`);
    expect(config.id_token_signing_alg_values_supported).toEqual(['ES256']);
    // The token function publishes its keys before it signs: ask for one first.
    await tokenFor((await signUp()).token);
    const set = await call('GET', '/.well-known/jwks.json');
    expect(set.status).toBe(200);
    expect(set.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const { keys } = set.json as { keys: Record<string, string>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toBeTruthy();
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe('POST /token', () => {
  it('issues a token that verifies against the key set fetched over HTTP, with iss, sub, aud, iat, exp at most 15 minutes, jti and role', async () => {
    const account = await signUp();
    const issued = await tokenFor(account.token);
    expect(issued.token_type).toBe('Bearer');
    expect(issued.expires_in).toBeLessThanOrEqual(900);
    const { issuer, verify } = await verifier();
    const { payload, protectedHeader } = await verify(issued.access_token);
    expect(protectedHeader.alg).toBe('ES256');
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ iss: issuer, sub: account.user.id, aud: 'orders-api', role: 'user' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(issued.expires_in);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    // Another of the stage's audiences; each token names one, and a service checks it is the one.
    const billing = await tokenFor(account.token, 'billing-api');
    await expect(verify(billing.access_token, 'orders-api')).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    });
    expect((await verify(billing.access_token, 'billing-api')).payload.aud).toBe('billing-api');
  });

  it("carries the account's role, as it is now", async () => {
    const admin = await signInAdmin();
    const { payload } = await (await verifier()).verify((await tokenFor(admin.token)).access_token);
    expect(payload.role).toBe('admin');
  });

  it('takes a Bearer session as the cookie', async () => {
    const account = await signUp();
    const response = await call('POST', '/token', {
      headers: { authorization: `Bearer ${account.token}` },
      json: { audience: 'orders-api' },
    });
    expect(response.status).toBe(200);
  });

  it('answers an audience the stage does not issue for with 400 invalid_audience, and a missing one with invalid_input', async () => {
    const account = await signUp();
    const unknown = await call('POST', '/token', {
      token: account.token,
      json: { audience: 'somebody-else' },
    });
    expect([unknown.status, errorCode(unknown)]).toEqual([400, 'invalid_audience']);
    const missing = await call('POST', '/token', { token: account.token, json: {} });
    expect([missing.status, errorCode(missing)]).toEqual([400, 'invalid_input']);
  });

  it('answers 401 without a session, after a logout, and for a disabled account', async () => {
    expect((await call('POST', '/token', { json: { audience: 'orders-api' } })).status).toBe(401);
    const account = await signUp();
    await call('POST', '/logout', { token: account.token });
    expect(
      (await call('POST', '/token', { token: account.token, json: { audience: 'orders-api' } })).status,
    ).toBe(401);
    const disabled = await signUp();
    expect(operator('account', ['disable', '--username', disabled.username]).status).toBe(0);
    expect(
      (await call('POST', '/token', { token: disabled.token, json: { audience: 'orders-api' } })).status,
    ).toBe(401);
  });

  it('gives a token a verifier refuses once it has expired', async () => {
    const { verify } = await verifier();
    const issued = await tokenFor((await signUp()).token);
    const { payload } = await verify(issued.access_token);
    await expect(
      verify(issued.access_token, 'orders-api', new Date(((payload.exp ?? 0) + 1) * 1000)),
    ).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
    });
  });

  it('is not forged: a token signed by another key, with alg none, or HS256 keyed with the public key is refused by the same verification', async () => {
    const { issuer, verify } = await verifier();
    const issued = await tokenFor((await signUp()).token);
    const { payload } = await verify(issued.access_token);
    const { kid } = decodeProtectedHeader(issued.access_token);
    const claims = { ...payload, role: 'admin' };

    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const wrongKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: kid as string })
      .sign(other.privateKey);
    await expect(verify(wrongKey)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });

    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${encode({ alg: 'none', kid })}.${encode(claims)}.`;
    await expect(verify(none)).rejects.toThrow();

    const jwk = (
      (await call('GET', '/.well-known/jwks.json')).json as { keys: Record<string, string>[] }
    ).keys.find((key) => key.kid === kid);
    const publicAsSecret = JSON.stringify(jwk);
    const header = encode({ alg: 'HS256', kid });
    const body = encode(claims);
    const signature = createHmac('sha256', publicAsSecret).update(`${header}.${body}`).digest('base64url');
    await expect(verify(`${header}.${body}.${signature}`)).rejects.toThrow();
    // The genuine token still verifies, so the refusals above are the forgeries', not the verifier's.
    expect((await verify(issued.access_token)).payload.iss).toBe(issuer);
  });
});

describe('npm run tokens', () => {
  it('rotates in steps: a new key is published at once but does not sign; promoting it too early is refused', async () => {
    const before = JSON.parse(operator('tokens', ['status']).stdout) as {
      signing: { kid: string };
      next?: unknown;
    };
    expect(before.next).toBeUndefined();
    const added = operator('tokens', ['rotate']);
    expect(added.status, added.stderr).toBe(0);
    const step = JSON.parse(added.stdout) as {
      step: string;
      signing: { kid: string };
      next: { kid: string };
    };
    expect(step).toMatchObject({ step: 'added', signing: before.signing });
    const { keys } = (await call('GET', '/.well-known/jwks.json')).json as { keys: { kid: string }[] };
    expect(keys.map((key) => key.kid)).toContain(step.next.kid);
    // Still signed by the key that signed before.
    const issued = await tokenFor((await signUp()).token);
    expect(decodeProtectedHeader(issued.access_token).kid).toBe(before.signing.kid);
    const early = operator('tokens', ['rotate']);
    expect(early.status).toBe(2);
    expect(early.stderr).toMatch(/not yet: .*run it again in \d+ s/);
    expect(operator('tokens', ['status']).stdout).not.toContain('seed');
  });
});
