import { describe, expect, it } from 'vitest';
import { parseSigningKeys } from '#shared/auth/signing-keys';

const secret = 's'.repeat(32);

describe('signing-key document', () => {
  it('reads the current key and the previous ones', () => {
    expect(
      parseSigningKeys(JSON.stringify({ kid: 'k2', secret, previous: [{ kid: 'k1', secret }] })),
    ).toEqual({
      current: { kid: 'k2', secret },
      previous: [{ kid: 'k1', secret }],
    });
    expect(parseSigningKeys(JSON.stringify({ kid: 'k1', secret })).previous).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope', /not valid JSON/],
    ['a short secret', JSON.stringify({ kid: 'k1', secret: 'short' }), /at least 32 characters/],
    ['a bad kid', JSON.stringify({ kid: 'k 1', secret }), /kid must be/],
    ['a repeated kid', JSON.stringify({ kid: 'k1', secret, previous: [{ kid: 'k1', secret }] }), /distinct/],
  ])('rejects %s without echoing the secret', (_, json, message) => {
    expect(() => parseSigningKeys(json)).toThrow(message);
    try {
      parseSigningKeys(json);
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
