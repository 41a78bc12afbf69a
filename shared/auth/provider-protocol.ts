import * as client from 'openid-client';
import { importPKCS8, SignJWT } from 'jose';
import type { IdentityProvider, ProviderProfile } from '#shared/auth/identity-providers';
import type { Clock } from '#shared/platform/clock';

/**
 * The OAuth 2 and OpenID Connect exchanges with identity providers, through `openid-client` (v6): discovery,
 * the authorization URL with PKCE (S256), state and nonce, and the code exchange with its checks (state,
 * RFC 9207 `iss` where the provider sends it, the ID token's signature against the provider's JWKS, `iss`,
 * `aud`, `exp`, `nonce`). It is certified by the OpenID Foundation and maintained by the author of `jose`,
 * which it builds on; arctic would have left the ID token's checks to us. GitHub is OAuth 2 without ID
 * tokens: the same library exchanges its code, and its API says who the user is.
 */

/** The provider did not answer in time, or failed on its side: the sign-in may be tried again soon. */
export class ProviderUnavailable extends Error {
  // A name the error middleware answers with 503 and Retry-After.
  override name = 'ServiceUnavailable';
}

/** The provider answered, and the answer does not prove who the user is: an error, a forged or stale token. */
export class ProviderRefused extends Error {
  override name = 'ProviderRefused';
  /** Which check failed, as the library names it (`OAUTH_JWT_CLAIM_COMPARISON_FAILED`): for the log. */
  get reason(): string {
    const { code, error, cause } = (this.cause ?? {}) as { code?: unknown; error?: unknown; cause?: unknown };
    const claim = ((cause as { cause?: unknown } | undefined)?.cause as { claim?: unknown } | undefined)
      ?.claim;
    // The provider's `error` comes from the callback's query, which anyone can write: only a code of the
    // OAuth form reaches a log line, never free text (an address, a forged line, a megabyte).
    const reason =
      typeof error === 'string'
        ? error
        : typeof code === 'string'
          ? `${code}${typeof claim === 'string' ? ` (${claim})` : ''}`
          : 'refused';
    return /^[A-Za-z0-9_]{1,64}( \([a-z_]{1,32}\))?$/.test(reason) ? reason : 'other';
  }
}

/** What a callback must match: the values the start kept for this browser. */
export interface FlowChecks {
  state: string;
  nonce?: string;
  verifier: string;
  redirectUri: string;
}

export interface ProviderProtocol {
  /** Where to send the browser: the provider's authorization endpoint with this flow's parameters. */
  authorizationUrl(
    provider: IdentityProvider,
    request: { redirectUri: string; state: string; nonce?: string; verifier: string; loginHint?: string },
  ): Promise<URL>;
  /** The callback's parameters checked and the code exchanged: who the user is at the provider. */
  exchange(
    provider: IdentityProvider,
    callback: URLSearchParams,
    checks: FlowChecks,
  ): Promise<ProviderProfile>;
}

/** A provider's client secret as the identity secret holds it: a string, or Apple's signing key. */
export type ClientSecret = string | { teamId: string; keyId: string; privateKey: string };

const GITHUB_HEADERS = { accept: 'application/vnd.github+json', 'user-agent': 'pistus' };

export function createProviderProtocol(deps: {
  /** One call's limit, connecting included (IDENTITY_PROVIDER_TIMEOUT_MS). */
  timeoutMs: number;
  /** Plain http to a provider: the local test provider only, never a deployed stage. */
  allowHttp: boolean;
  /** The provider's client secret, if it has one (the callback alone reads them). */
  secretOf?: (providerId: string) => Promise<ClientSecret | undefined>;
  clock: Clock;
}): ProviderProtocol {
  const seconds = deps.timeoutMs / 1000;
  const execute = deps.allowHttp ? [client.allowInsecureRequests] : [];
  const metadata = new Map<string, Promise<client.ServerMetadata>>();
  const jwksCaches = new Map<string, NonNullable<ReturnType<typeof client.getJwksCache>>>();

  /** The provider's metadata, discovered once per container (a failed discovery is tried again next time). */
  function serverMetadata(provider: IdentityProvider): Promise<client.ServerMetadata> {
    if (provider.github)
      return Promise.resolve({
        issuer: new URL(provider.github.authorizationEndpoint).origin,
        authorization_endpoint: provider.github.authorizationEndpoint,
        token_endpoint: provider.github.tokenEndpoint,
        token_endpoint_auth_methods_supported: ['client_secret_post'],
      });
    let known = metadata.get(provider.id);
    if (!known) {
      known = client
        .discovery(new URL(provider.issuer as string), provider.clientId, undefined, undefined, {
          timeout: seconds,
          execute,
        })
        .then((config) => config.serverMetadata());
      known.catch(() => metadata.delete(provider.id));
      metadata.set(provider.id, known);
    }
    return known;
  }

  async function configuration(provider: IdentityProvider, secret?: ClientSecret) {
    const server = await serverMetadata(provider);
    const config = new client.Configuration(
      server,
      provider.clientId,
      undefined,
      await clientAuth(server, provider, secret),
    );
    config.timeout = seconds;
    if (deps.allowHttp) client.allowInsecureRequests(config);
    // OpenID Core lets a client trust TLS for a token from the token endpoint; we check its signature
    // against the provider's JWKS too, so a token that did not come from the provider's key is refused.
    if (!provider.github) client.enableNonRepudiationChecks(config);
    // The provider's keys, as a container last read them: not fetched again for every sign-in. The library
    // reads them anew after 5 minutes, and for a key id it does not know once its copy is a minute old
    // (providers publish a new key well before they sign with it).
    const keys = jwksCaches.get(provider.id);
    if (keys) client.setJwksCache(config, keys);
    return config;
  }

  /** Keeps the keys the exchange read, for the next sign-in with that provider. */
  function keepKeys(provider: IdentityProvider, config: client.Configuration) {
    const keys = client.getJwksCache(config);
    if (keys) jwksCaches.set(provider.id, keys);
  }

  /**
   * How the client proves itself at the token endpoint: as the provider says it accepts (`post` where it
   * can, as RFC 6749's form-encoding of `basic` credentials is read differently by providers; `basic`, the
   * OpenID default, when the provider names nothing else), with no secret as a public client (PKCE alone).
   * Apple's secret is a JWT made from the team's key.
   */
  async function clientAuth(
    server: client.ServerMetadata,
    provider: IdentityProvider,
    secret?: ClientSecret,
  ) {
    if (secret === undefined) return client.None();
    if (typeof secret !== 'string')
      return client.ClientSecretPost(await appleClientSecret(provider.clientId, secret, deps.clock()));
    const methods = server.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (methods.includes('client_secret_post')) return client.ClientSecretPost(secret);
    if (methods.includes('client_secret_basic')) return client.ClientSecretBasic(secret);
    return client.None();
  }

  return {
    async authorizationUrl(provider, request) {
      const config = await guarded(configuration(provider));
      return client.buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        scope: provider.scopes.join(' '),
        response_type: 'code',
        state: request.state,
        code_challenge: await client.calculatePKCECodeChallenge(request.verifier),
        code_challenge_method: 'S256',
        ...(request.nonce ? { nonce: request.nonce } : {}),
        ...(provider.formPost ? { response_mode: 'form_post' } : {}),
        ...(request.loginHint ? { login_hint: request.loginHint } : {}),
      });
    },
    async exchange(provider, callback, checks) {
      const secret = await deps.secretOf?.(provider.id);
      const config = await guarded(configuration(provider, secret));
      const current = new URL(checks.redirectUri);
      for (const [name, value] of callback) current.searchParams.append(name, value);
      const tokens = await guarded(
        client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: checks.verifier,
          expectedState: checks.state,
          ...(provider.github
            ? { idTokenExpected: false }
            : { expectedNonce: checks.nonce, idTokenExpected: true }),
        }),
      );
      keepKeys(provider, config);
      if (provider.github)
        return trusted(provider, await githubProfile(provider, config, tokens.access_token));
      const claims = tokens.claims();
      if (!claims) throw new ProviderRefused('no ID token');
      // Apple says "true" as a string; a provider that says nothing has not verified the address.
      const verified = claims.email_verified === true || claims.email_verified === 'true';
      const email = typeof claims.email === 'string' && verified ? claims.email : undefined;
      const hint = [claims.preferred_username, claims.nickname, claims.name, email?.split('@')[0]].find(
        (value): value is string => typeof value === 'string' && value.length > 0,
      );
      return trusted(provider, {
        provider: provider.id,
        subject: claims.sub,
        ...(email ? { email } : {}),
        ...(hint ? { nameHint: hint } : {}),
      });
    },
  };

  /** GitHub's user and its primary verified address (its API, as GitHub has no ID token). */
  async function githubProfile(
    provider: IdentityProvider,
    config: client.Configuration,
    accessToken: string,
  ): Promise<ProviderProfile> {
    const api = (provider.github as NonNullable<IdentityProvider['github']>).apiUrl;
    const read = async (path: string) => {
      const response = await guarded(
        client.fetchProtectedResource(
          config,
          accessToken,
          new URL(`${api}${path}`),
          'GET',
          undefined,
          new Headers(GITHUB_HEADERS),
        ),
      );
      if (response.status >= 500) throw new ProviderUnavailable(`GitHub answered ${response.status}`);
      if (!response.ok) throw new ProviderRefused(`GitHub answered ${response.status}`);
      return (await response.json()) as unknown;
    };
    const [user, emails] = await Promise.all([read('/user'), read('/user/emails')]);
    const { id, login } = user as { id?: unknown; login?: unknown };
    if (typeof id !== 'number' && typeof id !== 'string') throw new ProviderRefused('GitHub user without id');
    const primary = Array.isArray(emails)
      ? (emails as { email?: unknown; primary?: unknown; verified?: unknown }[]).find(
          (entry) => entry.primary === true && entry.verified === true && typeof entry.email === 'string',
        )
      : undefined;
    return {
      provider: provider.id,
      subject: String(id),
      ...(primary ? { email: primary.email as string } : {}),
      ...(typeof login === 'string' && login ? { nameHint: login } : {}),
    };
  }
}

/** The profile without its address when the provider's verification is not taken (`trustEmails: false`). */
function trusted(provider: IdentityProvider, profile: ProviderProfile): ProviderProfile {
  if (provider.trustEmails) return profile;
  const { email: _dropped, ...rest } = profile;
  return rest;
}

/**
 * Apple's client secret: a JWT the developer signs with their key (ES256), at most six months valid; this
 * one lives five minutes, as it is made for one exchange.
 * https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret
 */
export async function appleClientSecret(
  clientId: string,
  key: { teamId: string; keyId: string; privateKey: string },
  now: Date,
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.keyId })
    .setIssuer(key.teamId)
    .setSubject(clientId)
    .setAudience('https://appleid.apple.com')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 300)
    .sign(await importPKCS8(key.privateKey, 'ES256'));
}

/**
 * What a failed call means: no answer in time, no connection, or the provider's own 5xx is "not now"
 * (503); anything else is an answer that does not prove the user (a refused code, a token that fails its
 * checks).
 */
async function guarded<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ProviderUnavailable || error instanceof ProviderRefused) throw error;
    if (unavailable(error)) throw new ProviderUnavailable('identity provider unavailable', { cause: error });
    throw new ProviderRefused(error instanceof Error ? error.message : 'refused', { cause: error });
  }
}

function unavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    if (cause instanceof Response) return cause.status >= 500;
    if (typeof cause !== 'object') return false;
    const { name, message, code, status } = cause as {
      name?: string;
      message?: string;
      code?: string;
      status?: number;
    };
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    if (name === 'TypeError' && message === 'fetch failed') return true;
    if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR)/.test(code)) return true;
    if (error instanceof client.ResponseBodyError && typeof status === 'number') return status >= 500;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}
