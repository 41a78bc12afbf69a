import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { identityProvider } from '#shared/auth/identity-providers';
import { appleClientSecret } from '#shared/auth/provider-protocol';
import { resolveReturnTo, withOutcome } from '#shared/auth/return-to';
import { usernameCandidates, USERNAME_PATTERN } from '#shared/auth/username';
import { ConfigError, parseSettings } from '#shared/platform/config';

const client = { appUrl: 'https://app.pistus.example/', allowedOrigins: ['https://other.pistus.example'] };

describe('where a provider sign-in may send the browser back to', () => {
  it.each([
    ['/account', 'https://app.pistus.example/account'],
    ['/#/home', 'https://app.pistus.example/#/home'],
    ['https://app.pistus.example/x?y=1', 'https://app.pistus.example/x?y=1'],
    ['https://other.pistus.example/#/account', 'https://other.pistus.example/#/account'],
  ])('takes %s', (raw, resolved) => {
    expect(resolveReturnTo(raw, client)).toBe(resolved);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '/\t/evil.example/',
    'javascript:alert(1)',
    'data:text/html,hi',
    'https://app.pistus.example.evil.example/',
    'https://user:pw@app.pistus.example/',
    'http://app.pistus.example/',
    'account',
    `/${'a'.repeat(2048)}`,
  ])('refuses %s', (raw) => {
    expect(resolveReturnTo(raw, client)).toBeUndefined();
  });

  it('adds the outcome to the query, before any fragment', () => {
    expect(withOutcome('https://app.pistus.example/?a=1#/home', 'auth_error', 'invalid_state')).toBe(
      'https://app.pistus.example/?a=1&auth_error=invalid_state#/home',
    );
  });
});

describe('usernames for accounts a provider makes', () => {
  it('cleans the hint to the rule, then tries it with digits', () => {
    const candidates = usernameCandidates('Zoë O’Brien!', () => '1234', 3);
    expect(candidates).toEqual(['ZoeOBrien', 'ZoeOBrien-1234', 'ZoeOBrien-1234']);
    for (const name of [
      ...candidates,
      ...usernameCandidates(undefined, () => '5678'),
      ...usernameCandidates('x', () => '1'),
    ])
      expect(name).toMatch(USERNAME_PATTERN);
    expect(usernameCandidates('a'.repeat(60), () => '9999')[1]).toHaveLength(29);
  });
});

describe('the providers declared in the settings', () => {
  const parse = (providers: unknown) => parseSettings({ IDENTITY_PROVIDERS: JSON.stringify(providers) });

  it('fills in the presets', () => {
    const [google, apple, github] = parse([
      { id: 'google', kind: 'google', clientId: 'g' },
      { id: 'apple', kind: 'apple', clientId: 'a' },
      { id: 'gh', kind: 'github', clientId: 'h' },
    ]).IDENTITY_PROVIDERS.map(identityProvider);
    expect(google).toMatchObject({ name: 'Google', issuer: 'https://accounts.google.com', formPost: false });
    expect(apple).toMatchObject({ name: 'Apple', issuer: 'https://appleid.apple.com', formPost: true });
    expect(github).toMatchObject({
      name: 'GitHub',
      github: {
        authorizationEndpoint: 'https://github.com/login/oauth/authorize',
        tokenEndpoint: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://api.github.com',
      },
    });
  });

  it('refuses, naming the setting: not JSON, the same id twice, an OpenID provider without issuer, a bad id', () => {
    const problem = (value: string) => {
      try {
        parseSettings({ IDENTITY_PROVIDERS: value });
      } catch (error) {
        return error instanceof ConfigError ? error.message : String(error);
      }
      return '';
    };
    expect(problem('[{')).toContain('IDENTITY_PROVIDERS: must be a JSON array of providers');
    expect(
      problem(
        JSON.stringify([
          { id: 'a', issuer: 'https://a.example', clientId: 'x' },
          { id: 'a', issuer: 'https://b.example', clientId: 'y' },
        ]),
      ),
    ).toContain('IDENTITY_PROVIDERS: the provider id a is declared twice');
    expect(problem(JSON.stringify([{ id: 'corp', clientId: 'x' }]))).toContain(
      'corp: an OpenID provider needs its issuer',
    );
    expect(problem(JSON.stringify([{ id: 'Not An Id', kind: 'google', clientId: 'x' }]))).toContain(
      'IDENTITY_PROVIDERS',
    );
    const plain = JSON.stringify([{ id: 'corp', issuer: 'http://sso.example', clientId: 'x' }]);
    expect(() => parseSettings({ IDENTITY_PROVIDERS: plain })).not.toThrow();
    expect(() => parseSettings({ STAGE: 'dev', IDENTITY_PROVIDERS: plain })).toThrow(
      'corp: http://sso.example must be https outside local',
    );
  });
});

describe("Apple's client secret", () => {
  it('is an ES256 JWT of the team, for the client, to Apple, five minutes long, under the key id', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const now = new Date();
    const secret = await appleClientSecret(
      'com.example.signin',
      {
        teamId: 'TEAM',
        keyId: 'KEY',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
      now,
    );
    const { payload, protectedHeader } = await jwtVerify(secret, publicKey, {
      issuer: 'TEAM',
      subject: 'com.example.signin',
      audience: 'https://appleid.apple.com',
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'KEY' });
    expect(payload.exp).toBe(Math.floor(now.getTime() / 1000) + 300);
  });
});
