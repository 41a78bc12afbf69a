import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { type AccessTokenKeyDocument, parseAccessTokenKeys, publicJwk } from '#shared/auth/access-token-keys';
import {
  JWKS_MAX_AGE_SECONDS,
  KEY_RELOAD_SECONDS,
  nextRotationStep,
  type RotationStep,
  STALE_KEY_SECONDS,
} from '#shared/auth/access-token-rotation';
import { createAccessTokens, reloading } from '#shared/auth/access-tokens';
import { publishedKeysAccess } from '#shared/data/published-keys';
import type { SessionRecord } from '#shared/data/sessions';
import { domainWorld, movableClock } from './world.ts';

/**
 * Rotating the access tokens' key without an outage: every token issued, at any moment of a whole rotation,
 * verifies for its whole life with a verifier that fetches the key set only when its cached copy is as old
 * as the key set's max-age (never on an unknown kid, the strictest verifier there is). The verifier's
 * fetches and the container's reloads are out of step, as they are on AWS.
 */
const world = domainWorld();
const ISSUER = 'https://api.pistus.example';
const LIFETIME = 900;
const session = { userId: 'user-1', role: 'user' } as SessionRecord;
const SEED = 'the first seed, at least thirty-two characters long';

/**
 * Walks a rotation a minute at a time, issuing a token each minute and verifying every unexpired one;
 * `shortcut` replaces a step's wait (a rotation done too early). The verification failures it met.
 */
async function walk(
  shortcut?: (step: RotationStep, keys: AccessTokenKeyDocument, now: Date) => RotationStep,
) {
  const clock = movableClock(new Date('2031-03-01T00:00:00Z'));
  const built = await world(clock);
  const published = publishedKeysAccess(built.db, built.name('published-keys'));
  let document: AccessTokenKeyDocument = parseAccessTokenKeys(JSON.stringify({ kid: 'a1', seed: SEED }));
  const tokens = createAccessTokens({
    keys: reloading(async () => document, clock, KEY_RELOAD_SECONDS, STALE_KEY_SECONDS),
    published,
    clock,
    audiences: ['orders-api'],
    lifetimeSeconds: LIFETIME,
  });
  // The container signs first (publishing its key); the verifier fetches 150 s later, then every max-age.
  await tokens.issue(session, 'orders-api', ISSUER);
  clock.advance(150_000);
  let cached: { set: JSONWebKeySet; at: number } | undefined;
  const keySet = async () => {
    if (!cached || clock().getTime() - cached.at >= JWKS_MAX_AGE_SECONDS * 1000)
      cached = { set: { keys: (await published.list()) as never }, at: clock().getTime() };
    return createLocalJWKSet(cached.set);
  };
  await keySet();
  const outstanding: { token: string; exp: number }[] = [];
  const signedBy = new Set<string>();
  const failures: string[] = [];
  async function minute() {
    clock.advance(60_000);
    const { access_token } = await tokens.issue(session, 'orders-api', ISSUER);
    signedBy.add(decodeProtectedHeader(access_token).kid as string);
    outstanding.push({ token: access_token, exp: clock().getTime() / 1000 + LIFETIME });
    const set = await keySet();
    for (const { token } of outstanding.filter((t) => t.exp > clock().getTime() / 1000))
      await jwtVerify(token, set, { issuer: ISSUER, audience: 'orders-api', currentDate: clock() }).catch(
        (error: { code?: string }) => failures.push(error.code ?? 'error'),
      );
  }
  /** One run of the command: as `npm run tokens -- rotate` does it, publishing before and removing after. */
  async function rotate() {
    let step = nextRotationStep(document, clock(), LIFETIME, 'a2');
    if (shortcut) step = shortcut(step, document, clock());
    if (step.step === 'added' && step.document.next) await published.add([publicJwk(step.document.next)]);
    if (step.step !== 'wait') document = step.document;
    if (step.step === 'removed') await published.remove(step.kids);
    return step;
  }
  const steps: string[] = [];
  // Rotate whenever the command allows, for 45 minutes.
  for (let i = 0; i < 45; i++) {
    await minute();
    if (document.kid === 'a2' && !document.next && !document.previous.length) continue;
    steps.push((await rotate()).step);
  }
  return { failures, steps, signedBy, published: (await published.list()).map((key) => key.kid), document };
}

describe('a rotation of the access-token key', () => {
  it('publishes the new key before it signs, keeps the old one until its tokens expire, and never fails a verification', async () => {
    const { failures, steps, signedBy, published, document } = await walk();
    expect(failures).toEqual([]);
    // Added, then refused until the key set's max-age has passed, promoted, refused until the old key's
    // tokens have expired, removed.
    expect(steps.filter((step) => step !== 'wait')).toEqual(['added', 'promoted', 'removed']);
    expect(steps.indexOf('promoted') - steps.indexOf('added')).toBeGreaterThanOrEqual(
      JWKS_MAX_AGE_SECONDS / 60,
    );
    const a2 = publicJwk({ seed: document.seed }).kid;
    expect([...signedBy]).toEqual([publicJwk({ seed: SEED }).kid, a2]);
    expect(published).toEqual([a2]);
    expect(document).toMatchObject({ kid: 'a2', previous: [] });
  });

  it('would refuse tokens if the new key signed as soon as it was added (the walk can fail)', async () => {
    const { failures } = await walk((step, keys, now) =>
      step.step === 'wait' && keys.next
        ? nextRotationStep(
            { ...keys, next: { ...keys.next, addedAt: new Date(0).toISOString() } },
            now,
            LIFETIME,
          )
        : step,
    );
    expect(failures.length).toBeGreaterThan(0);
  });

  it('would refuse tokens if the old key left as soon as the new one signed (the walk can fail)', async () => {
    const { failures } = await walk((step, keys, now) =>
      step.step === 'wait' && keys.previous.length
        ? nextRotationStep(
            {
              ...keys,
              previous: keys.previous.map((key) => ({ ...key, retiredAt: new Date(0).toISOString() })),
            },
            now,
            LIFETIME,
          )
        : step,
    );
    expect(failures.length).toBeGreaterThan(0);
  });
});
