import { describe, expect, it } from 'vitest';
import { deviceLabel } from '#shared/auth/device-label';

describe('a device label', () => {
  it('names a known browser and system', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
      ),
    ).toBe('Chrome on Linux');
    expect(deviceLabel(undefined)).toBe('Unknown device');
  });

  it("never carries the header's own words: a sentence with a link is an unknown browser", () => {
    const label = deviceLabel(
      'This passkey is from Pistus Support. Your account is locked, reset it at http://evil.example/reset now/1.0 (x',
    );
    expect(label).toBe('Unknown browser');
  });
});
