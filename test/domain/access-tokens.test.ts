import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type AccessTokenKeyDocument, parseAccessTokenKeys, publicJwk } from '#shared/auth/access-token-keys';
import {
  JWKS_MAX_AGE_SECONDS,
  KEY_RELOAD_SECONDS,
  nextRotationStep,
} from '#shared/auth/access-token-rotation';
import { createAccessTokens, reloading } from '#shared/auth/access-tokens';
import { publishedKeysAccess } from '#shared/data/published-keys';
import type { SessionRecord } from '#shared/data/sessions';
import { domainWorld, movableClock } from './world.ts';

/**
 * Rotating the access tokens' key without an outage: every token issued, at any moment of a whole rotation,
 * verifies for its whole life with a verifier that fetches the key set only when its cached copy is as old
 * as the key set's max-age (never on an unknown kid, the strictest verifier there is).
 */
const world = domainWorld();
const ISSUER = 'https://api.pistus.example';
const LIFETIME = 900;
const session = { userId: 'user-1', role: 'user' } as SessionRecord;

describe('a rotation of the access-token key', () => {
  it('publishes the new key before it signs, keeps the old one until its tokens expire, and never fails a verification', async () => {
    const clock = movableClock(new Date('2031-03-01T00:00:00Z'));
    const built = await world(clock);
    const published = publishedKeysAccess(built.db, built.name('published-keys'));
    let document: AccessTokenKeyDocument = parseAccessTokenKeys(
      JSON.stringify({ kid: 'a1', seed: 'the first seed, at least thirty-two characters long' }),
    );
    // As a running container: the keys read again every KEY_RELOAD_SECONDS.
    const tokens = createAccessTokens({
      keys: reloading(async () => document, clock, KEY_RELOAD_SECONDS),
      published,
      clock,
      audiences: ['orders-api'],
      lifetimeSeconds: LIFETIME,
    });
    // As another service: its cached key set, fetched again once it is max-age old.
    let cached: { set: JSONWebKeySet; at: number } | undefined;
    const keySet = async () => {
      if (!cached || clock().getTime() - cached.at >= JWKS_MAX_AGE_SECONDS * 1000)
        cached = { set: { keys: (await published.list()) as never }, at: clock().getTime() };
      return createLocalJWKSet(cached.set);
    };
    const outstanding: { token: string; exp: number }[] = [];
    const signedBy = new Set<string>();
    /** A minute passes: a token is issued, and every token still unexpired verifies. */
    async function minute() {
      clock.advance(60_000);
      const { access_token } = await tokens.issue(session, 'orders-api', ISSUER);
      signedBy.add(decodeProtectedHeader(access_token).kid as string);
      outstanding.push({ token: access_token, exp: clock().getTime() / 1000 + LIFETIME });
      const set = await keySet();
      for (const { token } of outstanding.filter((t) => t.exp > clock().getTime() / 1000))
        await jwtVerify(token, set, { issuer: ISSUER, audience: 'orders-api', currentDate: clock() });
    }
    const rotate = async () => {
      const step = nextRotationStep(document, clock(), LIFETIME, 'a2');
      // As the command does: published before the document names it, removed after it no longer does.
      if (step.step === 'added' && step.document.next) await published.add([publicJwk(step.document.next)]);
      if (step.step !== 'wait') document = step.document;
      if (step.step === 'removed') await published.remove(step.kids);
      return step;
    };

    for (let i = 0; i < 5; i++) await minute();
    expect((await rotate()).step).toBe('added');
    expect((await published.list()).map((key) => key.kid).sort()).toEqual(['a1', 'a2']);
    await minute();
    // Too early: a verifier may still hold a key set without a2.
    expect(await rotate()).toMatchObject({ step: 'wait' });
    for (let i = 0; i < 5; i++) await minute();
    expect(await rotate()).toMatchObject({ step: 'promoted', kid: 'a2', retired: 'a1' });
    await minute();
    expect(await rotate()).toMatchObject({ step: 'wait' });
    // The old key's tokens live out their lifetime; running containers take the new key within a reload.
    for (let i = 0; i < 21; i++) await minute();
    expect(await rotate()).toMatchObject({ step: 'removed', kids: ['a1'] });
    expect((await published.list()).map((key) => key.kid)).toEqual(['a2']);
    for (let i = 0; i < 20; i++) await minute();
    expect([...signedBy].sort()).toEqual(['a1', 'a2']);
    expect(document).toMatchObject({ kid: 'a2', previous: [] });
    expect(document.next).toBeUndefined();
  });
});
