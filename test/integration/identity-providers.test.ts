import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { importSPKI, jwtVerify } from 'jose';
import {
  Events,
  type MutableResponse,
  type MutableToken,
  type TokenRequestIncomingMessage,
} from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startTestIdentityProvider,
  type TestIdentityProvider,
} from '../../infra/local/test-identity-provider.ts';
import {
  cookieFrom,
  providerSignIn,
  startGithubStandIn,
  startSilentServer,
} from '../support/identity-providers.ts';
import { authenticator, awayFromStepEdge } from '../support/totp.ts';
import { softwareAuthenticator } from '../support/webauthn.ts';
import { dynamoClient } from './deadline-fixtures.ts';
import { origin } from './passkey-user.ts';
import {
  call,
  COOKIE_NAME,
  errorCode,
  PASSWORD,
  sessionToken,
  signUp,
  uniqueUsername,
} from './http-client.ts';
import { lastMailTo, linkToken } from './mail.ts';

/**
 * Sign-in with identity providers, through HTTP against the local stack: its own test provider (`test`, as
 * `npm start` runs it), and stand-ins this file starts where the stack was told to find them: `probe` (the
 * same provider, made to misbehave), `apple` (Apple's preset pointed at it), `gh` (GitHub's OAuth and API)
 * and `down` (a provider that takes connections and never answers).
 */
const signIn = providerSignIn(call);
const address = () => `${uniqueUsername('id')}@example.com`;
const home = new URL('/', inject('apiUrl')).href;

let probe: TestIdentityProvider;
let github: { stop(): Promise<void> };
let down: { stop(): Promise<void> };
beforeAll(async () => {
  const ports = inject('standInPorts');
  [probe, github, down] = await Promise.all([
    startTestIdentityProvider(ports.probe),
    startGithubStandIn(ports.github),
    startSilentServer(ports.down),
  ]);
});
afterAll(async () => {
  await Promise.all([probe?.stop(), github?.stop(), down?.stop()]);
});

/** Changes the next ID tokens the probe provider signs (never its access tokens), until the test ends. */
async function withIdTokens<T>(change: (payload: Record<string, unknown>) => void, run: () => Promise<T>) {
  const hook = (token: MutableToken) => {
    if (!('scope' in token.payload)) change(token.payload);
  };
  probe.service.on(Events.BeforeTokenSigning, hook);
  try {
    return await run();
  } finally {
    probe.service.off(Events.BeforeTokenSigning, hook);
  }
}

const sessionCookie = (token: string) => `${COOKIE_NAME}=${token}`;
const locationOf = (response: { headers: Headers }) => new URL(response.headers.get('location') ?? '');
const me = async (token: string | undefined) =>
  (await call('GET', '/check_session', { token })).json as {
    id: string;
    username: string;
    email: string | null;
    emailVerified: boolean;
  };
const identitiesOf = async (token: string) =>
  (
    (await call('GET', '/identities', { token })).json as {
      items: { id: string; provider: string; email: string | null }[];
    }
  ).items;

/** A first sign-in with the test provider: an account with a verified address, and its fresh session. */
async function providerAccount(email = address()) {
  const response = await signIn.complete('test', { login_hint: email, returnTo: '/account' });
  expect(response.status).toBe(303);
  const token = sessionToken(response) as string;
  expect(token).toBeTruthy();
  return { email, token, user: await me(token) };
}

/** Sets an attribute on a user's item, as an operator's tool would. */
async function setOnUser(username: string, expression: string, values: Record<string, { BOOL: boolean }>) {
  await dynamoClient().send(
    new UpdateItemCommand({
      TableName: `${inject('tablePrefix')}users`,
      Key: { usernameKey: { S: username.toLowerCase() } },
      UpdateExpression: expression,
      ExpressionAttributeValues: values,
    }),
  );
}

describe('the providers', () => {
  it('lists each declared provider by id and name', async () => {
    const response = await call('GET', '/auth/providers');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      items: [
        { id: 'test', name: 'Test provider' },
        { id: 'probe', name: 'Probe' },
        { id: 'apple', name: 'Apple' },
        { id: 'gh', name: 'GitHub' },
        { id: 'down', name: 'Down' },
      ],
    });
  });

  it('answers 404 for a provider the stage does not declare, and 400 for one that cannot be an id', async () => {
    expect(errorCode(await call('GET', '/auth/nosuch/start'))).toBe('not_found');
    expect(errorCode(await call('GET', '/auth/nosuch/callback?code=x&state=y'))).toBe('not_found');
    expect(errorCode(await call('GET', '/auth/NO_SUCH!/start'))).toBe('invalid_input');
  });
});

describe('starting a sign-in', () => {
  it('sends the browser to the authorization endpoint with PKCE (S256), state, nonce and the hint, bound by a __Host- cookie', async () => {
    const { response, location, flow } = await signIn.start('test', {
      returnTo: '/account',
      login_hint: 'ann@example.com',
    });
    expect(response.status).toBe(302);
    const url = new URL(location);
    expect(url.origin + url.pathname).toBe(`${inject('identityProviderUrl')}/authorize`);
    const query = Object.fromEntries(url.searchParams);
    expect(query).toMatchObject({
      response_type: 'code',
      client_id: 'pistus-local',
      redirect_uri: `${inject('apiUrl')}/auth/test/callback`,
      code_challenge_method: 'S256',
      login_hint: 'ann@example.com',
      scope: 'openid email profile',
    });
    expect(query.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = response.setCookies.find((c) => c.startsWith('__Host-signin=')) ?? '';
    expect(cookie).toMatch(/Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(flow).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The cookie names the flow; the state the provider sees is another value.
    expect(flow).not.toBe(query.state);
  });

  it('refuses a returnTo that leaves the client: another site, a protocol-relative or backslashed path, a script', async () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/account',
      '/\\evil.example',
      'javascript:alert(1)',
      'http://app.allowed.test.evil.example/',
      'https://user@app.allowed.test/',
    ]) {
      const { response } = await signIn.start('test', { returnTo });
      expect(response.status, returnTo).toBe(400);
      expect(errorCode(response)).toBe('invalid_return_to');
      expect(response.setCookies).toEqual([]);
    }
  });

  it('takes a path on the client and an address at an allowed origin', async () => {
    for (const returnTo of ['/account', 'http://app.allowed.test/#/home'])
      expect((await signIn.start('test', { returnTo })).response.status).toBe(302);
  });

  it('the local test provider asks for an address when the client gave no hint', async () => {
    const { location } = await signIn.start('test', { returnTo: '/' });
    const page = await fetch(location);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="login_hint"');
    expect(html).toContain('type="email"');
  });
});

describe('the callback', () => {
  it('makes an account at the first sign-in, with the verified address, and signs in to the same one after', async () => {
    const email = address();
    const first = await signIn.complete('test', { login_hint: email, returnTo: '/account' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(new URL('/account', inject('apiUrl')).href);
    expect(first.setCookies.some((c) => c.startsWith('__Host-signin=;') && c.includes('Max-Age=0'))).toBe(
      true,
    );
    const user = await me(sessionToken(first));
    expect(user).toMatchObject({ email, emailVerified: true, username: email.split('@')[0] });

    const again = await signIn.complete('test', { login_hint: email.toUpperCase(), returnTo: '/' });
    expect(again.status).toBe(303);
    expect((await me(sessionToken(again))).id).toBe(user.id);
    const identities = await identitiesOf(sessionToken(again) as string);
    expect(identities).toEqual([
      {
        id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        provider: 'test',
        email,
        linkedAt: expect.any(String),
        lastUsedAt: expect.any(String),
      },
    ]);
  });

  it('refuses a forged state, with no session, and leaves the flow to the real answer', async () => {
    const started = await signIn.start('test', { login_hint: address(), returnTo: '/account' });
    const back = await signIn.authorize(started.location);
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-forged-state-forged-state-1234');
    const response = await signIn.callback(forged, `__Host-signin=${started.flow}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${home}?auth_error=invalid_state`);
    expect(sessionToken(response)).toBeUndefined();
    // Another site sending a wrong state cannot cancel the sign-in in progress: its cookie is left too.
    expect(response.setCookies).toEqual([]);
    const real = await signIn.callback(back, `__Host-signin=${started.flow}`);
    expect(locationOf(real).pathname).toBe('/account');
    expect(sessionToken(real)).toBeTruthy();
  });

  it('starts a link only from this site: another site sending a signed-in browser gets unauthorized', async () => {
    const { token } = await signUp();
    const { response, flow } = await signIn.start(
      'probe',
      { returnTo: '/account', link: 'true' },
      `${sessionCookie(token)}`,
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(locationOf(response).searchParams.get('auth_error')).toBe('unauthorized');
    expect(flow).toBeUndefined();
  });

  it("refuses a callback without the flow cookie (login CSRF: someone else's code sent to this browser)", async () => {
    const started = await signIn.start('test', { login_hint: address(), returnTo: '/account' });
    const back = await signIn.authorize(started.location);
    const response = await signIn.callback(back, '');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${home}?auth_error=invalid_state`);
    expect(sessionToken(response)).toBeUndefined();
  });

  it('answers a code and state once: the same callback again gets invalid_state', async () => {
    const started = await signIn.start('test', { login_hint: address(), returnTo: '/' });
    const back = await signIn.authorize(started.location);
    const cookie = `__Host-signin=${started.flow}`;
    expect(sessionToken(await signIn.callback(back, cookie))).toBeTruthy();
    const replay = await signIn.callback(back, cookie);
    expect(locationOf(replay).searchParams.get('auth_error')).toBe('invalid_state');
    expect(sessionToken(replay)).toBeUndefined();
  });

  it('refuses an ID token with another nonce, audience or issuer, or expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const changes: [string, (payload: Record<string, unknown>) => void][] = [
      ['nonce', (payload) => Object.assign(payload, { nonce: 'another-nonce' })],
      ['aud', (payload) => Object.assign(payload, { aud: 'another-client' })],
      ['iss', (payload) => Object.assign(payload, { iss: 'https://issuer.evil.example' })],
      ['exp', (payload) => Object.assign(payload, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 })],
    ];
    for (const [claim, change] of changes) {
      const response = await withIdTokens(change, () =>
        signIn.complete('probe', { login_hint: address(), returnTo: '/account' }),
      );
      expect(response.status, claim).toBe(303);
      expect(locationOf(response).searchParams.get('auth_error'), claim).toBe('provider_error');
      expect(sessionToken(response), claim).toBeUndefined();
    }
  });

  it("refuses an answer whose RFC 9207 `iss` names another issuer (a mix-up with another provider's answer)", async () => {
    const started = await signIn.start('probe', { login_hint: address(), returnTo: '/' });
    const back = await signIn.authorize(started.location);
    back.searchParams.set('iss', 'https://issuer.evil.example');
    const response = await signIn.callback(back, `__Host-signin=${started.flow}`);
    expect(locationOf(response).searchParams.get('auth_error')).toBe('provider_error');
    expect(sessionToken(response)).toBeUndefined();
  });

  it("logs a provider's error as a code only: free text in the answer never reaches a log line", async () => {
    const started = await signIn.start('probe', { login_hint: address(), returnTo: '/' });
    const back = await signIn.authorize(started.location);
    const marker = `leak-${uniqueUsername()}@example.com`;
    const forged = new URL(back);
    forged.searchParams.delete('code');
    forged.searchParams.set('error', `${marker} ${'Q'.repeat(5000)}`);
    const response = await signIn.callback(forged, `__Host-signin=${started.flow}`);
    expect(locationOf(response).searchParams.get('auth_error')).toBe('provider_error');
    // Its audit line, once the function's output has reached the log: the code, not the text.
    const log = () => readFileSync(inject('logFile'), 'utf8');
    await expect.poll(() => log().includes('"reason":"provider_error","detail":"other"')).toBe(true);
    expect(log()).not.toContain(marker);
  });

  it('refuses an ID token signed by a key the provider does not publish', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const started = await signIn.start('probe', { login_hint: address(), returnTo: '/' });
    const back = await signIn.authorize(started.location);
    // The token the provider answers with, signed again by another key under the provider's own kid.
    probe.service.once(Events.BeforeResponse, (response: MutableResponse) => {
      const body = response.body as { id_token: string };
      const [header, payload] = body.id_token.split('.');
      const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
      body.id_token = `${header}.${payload}.${signature.toString('base64url')}`;
    });
    const response = await signIn.callback(back, `__Host-signin=${started.flow}`);
    expect(locationOf(response).searchParams.get('auth_error')).toBe('provider_error');
    expect(sessionToken(response)).toBeUndefined();
  });

  it('never merges by address: an identity whose verified address another account holds gets link_required', async () => {
    const { email, token } = await providerAccount();
    const response = await signIn.complete('probe', { login_hint: email, returnTo: '/account' });
    expect(response.status).toBe(303);
    expect(locationOf(response).searchParams.get('auth_error')).toBe('link_required');
    expect(sessionToken(response)).toBeUndefined();
    // Nothing was claimed: the owner links it from the account page.
    const linked = await signIn.complete(
      'probe',
      { login_hint: email, returnTo: '/account', link: 'true' },
      sessionCookie(token),
    );
    expect(locationOf(linked).searchParams.get('linked')).toBe('probe');
    expect((await identitiesOf(token)).map((identity) => identity.provider).sort()).toEqual([
      'probe',
      'test',
    ]);
  });

  it('asks an account with a second factor for it, as after a password: a challenge, no session', async () => {
    const { email, token, user } = await providerAccount();
    const offer = await call('POST', '/mfa/totp', { token });
    const app = authenticator((offer.json as { secret: string }).secret);
    await awayFromStepEdge();
    expect((await call('POST', '/mfa/totp/confirm', { token, json: { code: app.code(-1) } })).status).toBe(
      200,
    );

    const response = await signIn.complete('test', { login_hint: email, returnTo: '/' });
    expect(response.status).toBe(303);
    expect(locationOf(response).searchParams.get('mfa_required')).toBe('totp,recovery_code');
    expect(sessionToken(response)).toBeUndefined();
    const challenge = cookieFrom(response, '__Host-mfa');
    expect(challenge).toMatch(/^ey/);
    const done = await call('POST', '/login/mfa', {
      json: { code: app.code() },
      headers: { cookie: `__Host-mfa=${challenge}` },
    });
    expect(done.status).toBe(200);
    expect((await me(sessionToken(done))).id).toBe(user.id);
  });

  it('refuses a disabled account', async () => {
    const { email, user } = await providerAccount();
    await setOnUser(user.username, 'SET disabled = :yes', { ':yes': { BOOL: true } });
    const response = await signIn.complete('test', { login_hint: email, returnTo: '/' });
    expect(locationOf(response).searchParams.get('auth_error')).toBe('account_disabled');
    expect(sessionToken(response)).toBeUndefined();
  });

  it('lets an account a provider made set a password through the reset link to its verified address', async () => {
    const { email, user } = await providerAccount();
    // No password opens it yet.
    expect(
      (await call('POST', '/login', { json: { username: user.username, password: PASSWORD } })).status,
    ).toBe(401);
    expect((await call('POST', '/password/forgot', { json: { email } })).status).toBe(202);
    const token = linkToken(await lastMailTo(email), 'reset-password');
    expect((await call('POST', '/password/reset', { json: { token, newPassword: PASSWORD } })).status).toBe(
      204,
    );
    const login = await call('POST', '/login', { json: { username: user.username, password: PASSWORD } });
    expect(login.status).toBe(200);
    expect((login.json as { id: string }).id).toBe(user.id);
  });

  it('answers 503 with Retry-After when the provider does not answer, at the start and at the callback', async () => {
    const { response } = await signIn.start('down', { returnTo: '/' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(response.setCookies).toEqual([]);

    const started = await signIn.start('probe', { login_hint: address(), returnTo: '/' });
    const back = await signIn.authorize(started.location);
    const port = inject('standInPorts').probe;
    // Down for a while, and back with the keys it had: an outage, not a rotation.
    const keys = probe.issuer.keys.toJSON(true) as unknown as Record<string, unknown>[];
    await probe.stop();
    try {
      const callback = await signIn.callback(back, `__Host-signin=${started.flow}`);
      expect(callback.status).toBe(503);
      expect(callback.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(sessionToken(callback)).toBeUndefined();
    } finally {
      probe = await startTestIdentityProvider(port, '127.0.0.1', undefined, keys);
    }
  });
});

describe('Apple (its form_post answer and its client-secret JWT)', () => {
  it('asks for a form post, and signs in from the POST with a client secret signed by the team key', async () => {
    const email = address();
    const started = await signIn.start('apple', { login_hint: email, returnTo: '/account' });
    expect(new URL(started.location).searchParams.get('response_mode')).toBe('form_post');
    expect(new URL(started.location).searchParams.get('scope')).toBe('openid email name');
    // The form comes from Apple's site: only a SameSite=None cookie goes with it.
    expect(started.response.setCookies.find((c) => c.startsWith('__Host-signin='))).toMatch(/SameSite=None$/);
    const back = await signIn.authorize(started.location);
    let secret = '';
    const capture = (token: MutableToken, req: TokenRequestIncomingMessage) => {
      secret = String((req.body as { client_secret?: string } | undefined)?.client_secret ?? '');
      // Apple says "true" as a string.
      if (!('scope' in token.payload)) token.payload.email_verified = 'true';
    };
    probe.service.on(Events.BeforeTokenSigning, capture);
    try {
      const response = await signIn.callback(back, `__Host-signin=${started.flow}`, 'POST');
      expect(response.status).toBe(303);
      expect(await me(sessionToken(response))).toMatchObject({ email, emailVerified: true });
    } finally {
      probe.service.off(Events.BeforeTokenSigning, capture);
    }
    const { payload, protectedHeader } = await jwtVerify(
      secret,
      await importSPKI(inject('appleKey'), 'ES256'),
      {
        issuer: 'TEAM123456',
        subject: 'example.pistus.signin',
        audience: 'https://appleid.apple.com',
      },
    );
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: 'KEY1234567' });
    expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(300);
  });
});

describe('Apple, linking', () => {
  /** A password account's link to Apple, started: its session, and Apple's answer waiting to be posted. */
  async function appleLinkStarted() {
    const { token } = await signUp();
    const started = await signIn.start(
      'apple',
      { login_hint: address(), returnTo: '/account', link: 'true' },
      sessionCookie(token),
    );
    return { token, started, back: await signIn.authorize(started.location) };
  }

  it("links from Apple's cross-site form post, which carries no session cookie: the flow names its session", async () => {
    const { token, started, back } = await appleLinkStarted();
    const linked = await signIn.callback(back, `__Host-signin=${started.flow}`, 'POST');
    expect(locationOf(linked).searchParams.get('linked')).toBe('apple');
    expect((await identitiesOf(token)).map((identity) => identity.provider)).toEqual(['apple']);
  });

  it('links for a live session only: one ended meanwhile gets invalid_state', async () => {
    const { token, started, back } = await appleLinkStarted();
    expect((await call('POST', '/logout', { token })).status).toBe(204);
    const refused = await signIn.callback(back, `__Host-signin=${started.flow}`, 'POST');
    expect(locationOf(refused).searchParams.get('auth_error')).toBe('invalid_state');
  });
});

describe('GitHub (OAuth 2 and its API)', () => {
  it('signs in with PKCE and state (no nonce: not OpenID), the login as username and the primary verified address', async () => {
    const email = `${uniqueUsername('gh')}@example.com`;
    const started = await signIn.start('gh', { login_hint: email, returnTo: '/' });
    const url = new URL(started.location);
    expect(url.pathname).toBe('/login/oauth/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('nonce')).toBeNull();
    expect(url.searchParams.get('scope')).toBe('read:user user:email');
    const back = await signIn.authorize(started.location);
    const response = await signIn.callback(back, `__Host-signin=${started.flow}`);
    expect(response.status).toBe(303);
    expect(await me(sessionToken(response))).toMatchObject({
      username: email.split('@')[0],
      email,
      emailVerified: true,
    });
  });

  it('keeps no address GitHub has not verified', async () => {
    const email = `unverified${uniqueUsername('gh')}@example.com`;
    const response = await signIn.complete('gh', { login_hint: email, returnTo: '/' });
    expect(await me(sessionToken(response))).toMatchObject({ email: null, emailVerified: false });
  });
});

describe('linking and unlinking', () => {
  it('links an identity to a signed-in account with a recent proof, lists it, and mails a notice', async () => {
    const { email, token } = await providerAccount();
    const response = await signIn.complete(
      'probe',
      { login_hint: address(), returnTo: '/account', link: 'true' },
      sessionCookie(token),
    );
    expect(response.status).toBe(303);
    expect(locationOf(response).searchParams.get('linked')).toBe('probe');
    expect(sessionToken(response)).toBeUndefined();
    expect((await identitiesOf(token)).map((identity) => identity.provider).sort()).toEqual([
      'probe',
      'test',
    ]);
    expect((await lastMailTo(email))?.subject).toBe('A sign-in provider was linked to your Pistus account');
  });

  it('links only for a signed-in session, and only with a recent proof', async () => {
    const anonymous = await signIn.start('probe', { returnTo: '/account', link: 'true' });
    expect(anonymous.response.status).toBe(303);
    expect(locationOf(anonymous.response).searchParams.get('auth_error')).toBe('unauthorized');
    const { token, username } = await signUp();
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const sid = (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }
    ).sid;
    await dynamoClient().send(
      new UpdateItemCommand({
        TableName: `${inject('tablePrefix')}sessions`,
        Key: { sid: { S: sid } },
        UpdateExpression: 'SET authenticatedAt = :at',
        ExpressionAttributeValues: { ':at': { N: String(hourAgo) } },
      }),
    );
    const stale = await signIn.start('probe', { returnTo: '/account', link: 'true' }, sessionCookie(token));
    expect(locationOf(stale.response).searchParams.get('auth_error')).toBe('reauthentication_required');
    expect(stale.flow).toBeUndefined();
    expect(username).toBeTruthy();
  });

  it('links for the session that asked only: a callback in another session gets invalid_state', async () => {
    const owner = await signUp();
    const other = await signUp();
    const started = await signIn.start(
      'probe',
      { login_hint: address(), returnTo: '/account', link: 'true' },
      sessionCookie(owner.token),
    );
    const back = await signIn.authorize(started.location);
    const response = await signIn.callback(
      back,
      `${sessionCookie(other.token)}; __Host-signin=${started.flow}`,
    );
    expect(locationOf(response).searchParams.get('auth_error')).toBe('invalid_state');
    expect(await identitiesOf(other.token)).toEqual([]);
    expect(await identitiesOf(owner.token)).toEqual([]);
  });

  it("refuses to link another account's identity (identity_taken)", async () => {
    const { email } = await providerAccount();
    const thief = await signUp();
    const response = await signIn.complete(
      'test',
      { login_hint: email, returnTo: '/account', link: 'true' },
      sessionCookie(thief.token),
    );
    expect(locationOf(response).searchParams.get('auth_error')).toBe('identity_taken');
    expect(await identitiesOf(thief.token)).toEqual([]);
  });

  it('unlinks with a recent proof and mails a notice, but never the last way in (last_sign_in_method)', async () => {
    const { email, token } = await providerAccount();
    const [only] = await identitiesOf(token);
    const last = await call('DELETE', `/identities/${only?.id}`, { token });
    expect(last.status).toBe(409);
    expect(errorCode(last)).toBe('last_sign_in_method');

    await signIn.complete(
      'probe',
      { login_hint: address(), returnTo: '/account', link: 'true' },
      sessionCookie(token),
    );
    const removed = await call('DELETE', `/identities/${only?.id}`, { token });
    expect(removed.status).toBe(204);
    expect((await identitiesOf(token)).map((identity) => identity.provider)).toEqual(['probe']);
    expect((await lastMailTo(email))?.subject).toBe(
      'A sign-in provider was unlinked from your Pistus account',
    );
    // The unlinked identity signs in no more to this account: it is a new one now, refused as its address is taken.
    const again = await signIn.complete('test', { login_hint: email, returnTo: '/' });
    expect(locationOf(again).searchParams.get('auth_error')).toBe('link_required');
  });

  it("answers 404 for another account's identity, and 400 for an id that cannot be one", async () => {
    const { token } = await providerAccount();
    const [mine] = await identitiesOf(token);
    const other = await signUp();
    expect(errorCode(await call('DELETE', `/identities/${mine?.id}`, { token: other.token }))).toBe(
      'not_found',
    );
    expect(errorCode(await call('DELETE', '/identities/not-an-id', { token: other.token }))).toBe(
      'invalid_input',
    );
    expect(await identitiesOf(token)).toHaveLength(1);
  });

  it('never lets two removals at once take an account without a password past its last way in', async () => {
    for (let round = 0; round < 3; round++) {
      const { token } = await providerAccount();
      await signIn.complete(
        'probe',
        { login_hint: address(), returnTo: '/account', link: 'true' },
        sessionCookie(token),
      );
      const both = await identitiesOf(token);
      expect(both).toHaveLength(2);
      const answers = await Promise.all(
        both.map((identity) => call('DELETE', `/identities/${identity.id}`, { token })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([204, 409]);
      expect(['last_sign_in_method', 'sign_in_methods_busy']).toContain(
        errorCode(answers.find((answer) => answer.status === 409) as (typeof answers)[number]),
      );
      expect(await identitiesOf(token)).toHaveLength(1);
    }
  });

  it('refuses to remove the last passkey of an account with no password and no provider left', async () => {
    const { token } = await providerAccount();
    const device = softwareAuthenticator({ origin });
    const options = await call('POST', '/passkeys/register/options', { token });
    const registered = await call('POST', '/passkeys/register', {
      token,
      json: { response: device.create(options.json as never) },
    });
    expect(registered.status).toBe(201);
    const [identity] = await identitiesOf(token);
    // The passkey is a way in: the identity may go.
    expect((await call('DELETE', `/identities/${identity?.id}`, { token })).status).toBe(204);
    const last = await call('DELETE', `/passkeys/${(registered.json as { id: string }).id}`, { token });
    expect(last.status).toBe(409);
    expect(errorCode(last)).toBe('last_sign_in_method');
  });

  it('lets a password account unlink its only identity (the password still signs in)', async () => {
    const { token } = await signUp();
    await signIn.complete(
      'probe',
      { login_hint: address(), returnTo: '/account', link: 'true' },
      sessionCookie(token),
    );
    const [identity] = await identitiesOf(token);
    expect((await call('DELETE', `/identities/${identity?.id}`, { token })).status).toBe(204);
  });
});
