import * as z from 'zod/mini';

/**
 * How a stage declares its identity providers (the IDENTITY_PROVIDERS setting): any OpenID Connect provider
 * by its issuer, or a preset (shared/auth/identity-providers.ts fills in what each preset knows).
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
