import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseAccessTokenKeys, publicJwk } from '#shared/auth/access-token-keys';
import { reloading } from '#shared/auth/access-tokens';

const seed = 'a seed of at least thirty-two characters for tests';

describe('access-token keys', () => {
  it("names each key by its RFC 7638 thumbprint, whatever the document's label, and publishes no private part", async () => {
    const jwk = publicJwk({ seed });
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }));
    expect(publicJwk({ seed: `${seed}!` }).kid).not.toBe(jwk.kid);
    expect(jwk).not.toHaveProperty('d');
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('refuses a document that is not JSON, lacks a seed, or repeats a label, without quoting it', () => {
    expect(() => parseAccessTokenKeys('{"kid":"a1","seed":')).toThrow('access token keys: not valid JSON');
    expect(() => parseAccessTokenKeys('{"kid":"a1","seed":"short"}')).toThrow(/at least 32/);
    const repeated = JSON.stringify({
      kid: 'a1',
      seed,
      previous: [{ kid: 'a1', seed, retiredAt: new Date().toISOString() }],
    });
    expect(() => parseAccessTokenKeys(repeated)).toThrow(/distinct/);
    try {
      parseAccessTokenKeys('{"kid":"a1","seed":"short"}');
    } catch (error) {
      expect(String(error)).not.toContain('short');
    }
  });
});

describe('reloading keys', () => {
  const clockAt = () => {
    let now = 0;
    return Object.assign(() => new Date(now), { advance: (ms: number) => (now += ms) });
  };

  it('reads again once the interval has passed; a failed read keeps the keys held a while, then refuses', async () => {
    const clock = clockAt();
    let reads = 0;
    let failing = false;
    const keys = reloading(
      async () => {
        reads++;
        if (failing) throw new Error('secret store down');
        return `keys-${reads}`;
      },
      clock,
      300,
      60,
    );
    expect(await keys()).toBe('keys-1');
    clock.advance(299_000);
    expect(await keys()).toBe('keys-1');
    clock.advance(2_000);
    expect(await keys()).toBe('keys-2');
    failing = true;
    clock.advance(301_000);
    // The read fails: the keys held still sign, and the store is not asked again on every request.
    expect(await keys()).toBe('keys-2');
    const asked = reads;
    clock.advance(10_000);
    expect(await keys()).toBe('keys-2');
    expect(reads).toBe(asked);
    // Past the margin the rotation leaves, keys that old may have left the key set: no signing with them.
    clock.advance(60_000);
    await expect(keys()).rejects.toThrow();
  });
});
