import type { ProviderDeclaration, ProviderKind } from '#shared/platform/identity-provider-settings';

export type { ProviderDeclaration, ProviderKind };

/**
 * The identity providers a stage lets users sign in with, declared in its settings (IDENTITY_PROVIDERS):
 * any OpenID Connect provider by its issuer (discovery finds the rest), and presets for the three that
 * need more than an issuer. Client ids are settings; client secrets live in the identity secret, which only
 * the callback reads.
 */
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

/** An identity's key: the provider and its subject, so one identity is one item. */
export const identityKey = (provider: string, subject: string): string => `${provider}#${subject}`;
