import { describe, expect, it } from 'vitest';
import { HmacTokenSigner } from '../../src/adapters/crypto/hmac-token-signer.js';

const signer = new HmacTokenSigner('a-test-secret-of-enough-length');

describe('HmacTokenSigner', () => {
  it('round-trips a payload under its purpose, in URL-safe characters', () => {
    const token = signer.sign('unsubscribe', '12345');
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(signer.verify('unsubscribe', token)).toBe('12345');
    const unicode = signer.sign('click', 'ünïcødé/π?&=');
    expect(signer.verify('click', unicode)).toBe('ünïcødé/π?&=');
  });

  it('refuses a token signed for another purpose or with another secret', () => {
    const token = signer.sign('unsubscribe', '12345');
    expect(signer.verify('click', token)).toBeNull();
    expect(new HmacTokenSigner('another-secret-of-enough-length').verify('unsubscribe', token)).toBeNull();
  });

  it('refuses tampered payloads and MACs', () => {
    const token = signer.sign('unsubscribe', '12345');
    const [payload, mac] = token.split('.') as [string, string];
    const otherPayload = Buffer.from('12346').toString('base64url');
    expect(signer.verify('unsubscribe', `${otherPayload}.${mac}`)).toBeNull();
    const flipped = mac.slice(0, -2) + (mac.at(-2) === 'A' ? 'B' : 'A') + mac.at(-1);
    expect(signer.verify('unsubscribe', `${payload}.${flipped}`)).toBeNull();
    expect(signer.verify('unsubscribe', `${payload}.${mac.slice(0, -1)}`)).toBeNull();
    expect(signer.verify('unsubscribe', `${payload}.${mac}A`)).toBeNull();
  });

  it('answers null for garbage instead of throwing', () => {
    for (const garbage of ['', '.', 'abc', 'a.b.c', '!!!.???', 'MTIz.', '.AAAA', 'MTIz.%%%', 'x'.repeat(10_000), 'MTIz.AAAAAAAAAAAAAAAAAAAAAA==']) {
      expect(signer.verify('unsubscribe', garbage)).toBeNull();
    }
    expect(signer.verify('unsubscribe', undefined as unknown as string)).toBeNull();
  });

  it('keeps purposes unambiguous and secrets long enough', () => {
    expect(() => signer.sign('a:b', 'c')).toThrow(/purpose/);
    expect(signer.verify('a:b', signer.sign('a', 'b:c'))).toBeNull();
    expect(() => new HmacTokenSigner('short')).toThrow(/16 bytes/);
  });
});
