import * as z from 'zod/mini';

/**
 * The identity providers a stage lets users sign in with, declared in its settings (IDENTITY_PROVIDERS):
 * any OpenID Connect provider by its issuer (discovery finds the rest), and presets for the three that
 * need more than an issuer. Client ids are settings; client secrets live in the identity secret, which only
 * the callback reads.
 */
export const PROVIDER_KINDS = ['oidc', 'google', 'apple', 'github'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

const url = () => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const providerDeclaration = z.object({
  /** In the routes (`/auth/{id}/start`) and in the identity secret: lower case, digits and dashes. */
  id: z.string().check(z.regex(/^[a-z0-9-]{1,32}$/, 'must be 1-32 characters of a-z 0-9 -')),
  kind: z._default(z.enum(PROVIDER_KINDS), 'oidc'),
  /** What the sign-in button says ("Sign in with <name>"); the preset's name by default. */
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(40))),
  /** An OpenID provider's issuer; the presets know theirs (a stand-in may replace it). */
  issuer: z.optional(url()),
  clientId: z.string().check(z.minLength(1), z.maxLength(256)),
  /** The scopes asked for; the preset's by default. */
  scopes: z.optional(z.array(z.string().check(z.regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)))),
  /**
   * Whether the provider's word that an address is verified is taken (true by default): set false for a
   * provider whose users can claim any address (a self-hosted one that does not verify them).
   */
  trustEmails: z._default(z.boolean(), true),
  /** GitHub's (or GitHub Enterprise's, or a stand-in's) web and API addresses; github.com's by default. */
  webUrl: z.optional(url()),
  apiUrl: z.optional(url()),
});
export type ProviderDeclaration = z.infer<typeof providerDeclaration>;

/** A provider with its preset's values filled in. */
export interface IdentityProvider {
  id: string;
  kind: ProviderKind;
  name: string;
  clientId: string;
  scopes: string[];
  /** OpenID Connect: discovery from the issuer, an ID token with a nonce. GitHub is OAuth 2 and its API. */
  issuer?: string;
  github?: { authorizationEndpoint: string; tokenEndpoint: string; apiUrl: string };
  /** Apple answers with a form POST to the callback (its `form_post` response mode), not a redirect. */
  formPost: boolean;
  /** Whether its verified addresses count as verified here (the declaration's `trustEmails`). */
  trustEmails: boolean;
}

const PRESETS: Record<ProviderKind, { name: string; issuer?: string; scopes: string[] }> = {
  oidc: { name: 'OpenID', scopes: ['openid', 'email', 'profile'] },
  google: { name: 'Google', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'] },
  // Apple gives the name and address only when asked for with its form_post response mode.
  apple: { name: 'Apple', issuer: 'https://appleid.apple.com', scopes: ['openid', 'email', 'name'] },
  github: { name: 'GitHub', scopes: ['read:user', 'user:email'] },
};

/** The declaration with its preset applied; an OpenID provider without an issuer is refused by name. */
export function identityProvider(declared: ProviderDeclaration): IdentityProvider {
  const preset = PRESETS[declared.kind];
  const base = {
    id: declared.id,
    kind: declared.kind,
    name: declared.name ?? preset.name,
    clientId: declared.clientId,
    scopes: declared.scopes ?? preset.scopes,
    formPost: declared.kind === 'apple',
    trustEmails: declared.trustEmails,
  };
  if (declared.kind === 'github') {
    const web = (declared.webUrl ?? 'https://github.com').replace(/\/+$/, '');
    return {
      ...base,
      github: {
        authorizationEndpoint: `${web}/login/oauth/authorize`,
        tokenEndpoint: `${web}/login/oauth/access_token`,
        apiUrl: (declared.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      },
    };
  }
  const issuer = declared.issuer ?? preset.issuer;
  if (!issuer) throw new Error(`identity provider ${declared.id}: an OpenID provider needs its issuer`);
  return { ...base, issuer };
}

/** Problems a list of declarations has as a whole: the same id twice, an OpenID provider without issuer. */
export function providerListProblems(declared: readonly ProviderDeclaration[]): string[] {
  const ids = declared.map((provider) => provider.id);
  return [
    ...[...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))].map(
      (id) => `the provider id ${id} is declared twice`,
    ),
    ...declared
      .filter((provider) => provider.kind === 'oidc' && !provider.issuer)
      .map((provider) => `${provider.id}: an OpenID provider needs its issuer`),
  ];
}

/** What a sign-in learned of the person from the provider: who they are there, and what it vouches for. */
export interface ProviderProfile {
  provider: string;
  /** The provider's stable id of the person (`sub`; GitHub's numeric user id). */
  subject: string;
  /** The address, only when the provider says it verified it (unverified ones are dropped). */
  email?: string;
  /** A name to derive a username from (preferred username, login, name or the address' local part). */
  nameHint?: string;
}
