import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdentityProvider, type TestIdentityProvider } from '#infra/local/test-identity-provider';
import { createIdentities } from '#shared/auth/identities';
import { identityKey, identityProvider, type ProviderProfile } from '#shared/auth/identity-providers';
import { createProviderProtocol } from '#shared/auth/provider-protocol';
import { createSignInFlows } from '#shared/auth/sign-in-flows';
import { emailsTableAccess } from '#shared/data/emails';
import { identitiesTableAccess } from '#shared/data/identities';
import { signInFlowsTableAccess } from '#shared/data/sign-in-flows';
import { usersTableAccess } from '#shared/data/users';
import { domainWorld, movableClock, PASSWORD, uniqueName } from './world.ts';

const world = domainWorld();

/** The identities domain on the world's tables, with its clock. */
async function identitiesWorld(clock = movableClock()) {
  const { db, name, accounts } = await world(clock);
  const table = identitiesTableAccess(db, name('identities'));
  const identities = createIdentities({
    identities: table,
    users: usersTableAccess(db, name('users')),
    emails: emailsTableAccess(db, name('emails')),
    clock,
  });
  return { identities, table, accounts, db, name };
}

const profile = (overrides: Partial<ProviderProfile> = {}): ProviderProfile => ({
  provider: 'test',
  subject: uniqueName('sub'),
  email: `${uniqueName('who')}@example.com`,
  nameHint: uniqueName('hint'),
  ...overrides,
});

describe('accounts made by a provider sign-in, in the domain', () => {
  it('finishes an account whose making was cut off after its identity was claimed: the same id, one account', async () => {
    const { identities, table } = await identitiesWorld();
    const who = profile();
    // What a first sign-in cut off after its first write leaves: the identity, naming an account not made.
    await table.claim({
      key: identityKey(who.provider, who.subject),
      id: 'AAAAAAAAAAAAAAAA',
      provider: who.provider,
      userId: '11111111-2222-4333-8444-555555555555',
      username: who.nameHint as string,
      linkedAt: '2030-01-01T00:00:00.000Z',
    });
    const first = await identities.signIn(who);
    expect(first).toMatchObject({ kind: 'signed_in', created: true });
    expect(first.kind === 'signed_in' && first.user.id).toBe('11111111-2222-4333-8444-555555555555');
    const again = await identities.signIn(who);
    expect(again).toMatchObject({
      kind: 'signed_in',
      created: false,
      user: { id: '11111111-2222-4333-8444-555555555555' },
    });
  });

  it('makes one account for two first sign-ins at once', async () => {
    const { identities } = await identitiesWorld();
    const who = profile();
    const [a, b] = await Promise.all([identities.signIn(who), identities.signIn(who)]);
    expect(a.kind === 'signed_in' && b.kind === 'signed_in' && a.user.id === b.user.id).toBe(true);
  });

  it("takes another name when the profile's is taken, and never signs in to an account that took the identity's name", async () => {
    const { identities, accounts, table } = await identitiesWorld();
    const taken = uniqueName('taken');
    const owner = await accounts.signUp({ username: taken, password: PASSWORD });
    const who = profile({ nameHint: taken });
    const result = await identities.signIn(who);
    expect(result.kind).toBe('signed_in');
    if (result.kind !== 'signed_in') return;
    expect(result.user.username).toMatch(new RegExp(`^${taken}-\\d{4}$`));
    expect(result.user.id).not.toBe(owner.id);
    expect((await table.find(identityKey(who.provider, who.subject)))?.username).toBe(result.user.username);
  });

  it('keeps no address a provider did not verify, and refuses one another account verified (never merged)', async () => {
    const { identities } = await identitiesWorld();
    const unverified = await identities.signIn(profile({ email: undefined }));
    expect(unverified.kind === 'signed_in' && unverified.user.email).toBeUndefined();
    const first = profile();
    expect((await identities.signIn(first)).kind).toBe('signed_in');
    expect(await identities.signIn(profile({ provider: 'other', email: first.email }))).toEqual({
      kind: 'link_required',
    });
  });

  it('makes one account for two first sign-ins at once whose name is taken: the same other name', async () => {
    const { identities, accounts } = await identitiesWorld();
    const taken = uniqueName('busy');
    await accounts.signUp({ username: taken, password: PASSWORD });
    const who = profile({ nameHint: taken });
    const [a, b] = await Promise.all([identities.signIn(who), identities.signIn(who)]);
    expect(a.kind === 'signed_in' && b.kind === 'signed_in').toBe(true);
    if (a.kind !== 'signed_in' || b.kind !== 'signed_in') return;
    expect(a.user.id).toBe(b.user.id);
    expect(a.user.username).toBe(b.user.username);
  });

  it('takes an address whose claim names no account (a first sign-in cut off after claiming it)', async () => {
    const { identities, db, name } = await identitiesWorld();
    const email = `${uniqueName('orphan')}@example.com`;
    await emailsTableAccess(db, name('emails')).claim(email, {
      userId: '99999999-2222-4333-8444-555555555555',
      usernameKey: uniqueName('never'),
    });
    const result = await identities.signIn(profile({ email }));
    expect(result).toMatchObject({ kind: 'signed_in', created: true, user: { email, emailVerified: true } });
  });

  it('links an identity to one account only', async () => {
    const { identities, accounts } = await identitiesWorld();
    const [ann, bob] = await Promise.all([
      accounts.signUp({ username: uniqueName('ann'), password: PASSWORD }),
      accounts.signUp({ username: uniqueName('bob'), password: PASSWORD }),
    ]);
    const who = profile();
    expect(await identities.link(ann, who)).toMatchObject({ kind: 'linked', added: true });
    expect(await identities.link(ann, who)).toMatchObject({ kind: 'linked', added: false });
    expect(await identities.link(bob, who)).toEqual({ kind: 'taken' });
  });
});

describe('sign-in flows, in the domain', () => {
  let provider: TestIdentityProvider;
  beforeAll(async () => {
    provider = await startTestIdentityProvider(0);
  });
  afterAll(() => provider?.stop());

  async function flowsWorld() {
    const clock = movableClock(new Date());
    const { db, name } = await world(clock);
    const flows = createSignInFlows({
      flows: signInFlowsTableAccess(db, name('account-tokens')),
      protocol: createProviderProtocol({ timeoutMs: 2000, allowHttp: true, clock }),
      clock,
    });
    const test = identityProvider({
      id: 'test',
      kind: 'oidc',
      issuer: provider.url,
      clientId: 'pistus-domain',
      trustEmails: true,
    });
    const redirectUri = 'http://127.0.0.1:9/auth/test/callback';
    /** A flow started, and the provider's answer to it. */
    const started = async (email: string) => {
      const { flowId, url } = await flows.start(test, { redirectUri, returnTo: 'http://app.test/' });
      url.searchParams.set('login_hint', email);
      const answer = await fetch(url, { redirect: 'manual' });
      return { flowId, callback: new URL(answer.headers.get('location') ?? '').searchParams };
    };
    return { flows, test, clock, started, redirectUri };
  }

  it("finishes a flow once, with the provider's verified address", async () => {
    const { flows, test, started, redirectUri } = await flowsWorld();
    const { flowId, callback } = await started('flow@example.com');
    const done = await flows.finish(test, flowId, callback, redirectUri);
    expect(done).toMatchObject({ kind: 'profile', profile: { provider: 'test', email: 'flow@example.com' } });
    expect(await flows.finish(test, flowId, callback, redirectUri)).toEqual({ kind: 'invalid_state' });
  });

  it('drops the address of a provider whose verification is not taken (trustEmails: false)', async () => {
    const { flows, test, started, redirectUri } = await flowsWorld();
    const { flowId, callback } = await started('claimed@example.com');
    const done = await flows.finish({ ...test, trustEmails: false }, flowId, callback, redirectUri);
    expect(done.kind === 'profile' && done.profile.email).toBeUndefined();
  });

  it('refuses a flow answered after its 10 minutes', async () => {
    const { flows, test, clock, started, redirectUri } = await flowsWorld();
    const { flowId, callback } = await started('late@example.com');
    clock.advance(10 * 60 * 1000 + 1000);
    expect(await flows.finish(test, flowId, callback, redirectUri)).toEqual({
      kind: 'invalid_state',
      returnTo: 'http://app.test/',
    });
  });

  it('refuses a flow id that cannot be one without asking DynamoDB, and a flow of another provider', async () => {
    const { flows, test, started, redirectUri } = await flowsWorld();
    expect(await flows.finish(test, 'short', new URLSearchParams(), redirectUri)).toEqual({
      kind: 'invalid_state',
    });
    const { flowId, callback } = await started('other@example.com');
    const other = { ...test, id: 'other' };
    expect((await flows.finish(other, flowId, callback, redirectUri)).kind).toBe('invalid_state');
  });
});
