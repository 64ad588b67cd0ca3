import crypto from 'node:crypto';
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

  it('refuses every one-character change anywhere in a token (no spare-bit aliases)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Outside the alphabet: padding, standard base64, the separator, and what a URL may decode to.
    const outside = ['=', '+', '/', '.', ' ', '%', '\n'];
    // Payload lengths 1, 2, 3 (mod 3) so the payload's last character has 4, 2 and 0 spare bits;
    // the 16-byte MAC's last character always has 4.
    for (const payload of ['1', '12', '123', '12345', '9007199254740993', 'ünïcødé']) {
      const token = signer.sign('unsubscribe', payload);
      const accepted: string[] = [];
      for (let i = 0; i < token.length; i++) {
        for (const c of [...alphabet, ...outside]) {
          if (c === token[i]) continue;
          const variant = token.slice(0, i) + c + token.slice(i + 1);
          if (signer.verify('unsubscribe', variant) !== null) accepted.push(variant);
        }
      }
      expect(accepted, `variants of ${token} that verify`).toEqual([]);
      expect(signer.verify('unsubscribe', token)).toBe(payload);
    }
  });

  it('refuses a token with a character added or removed at any position', () => {
    const token = signer.sign('unsubscribe', '12345');
    for (let i = 0; i <= token.length; i++) {
      for (const c of ['A', 'Q', 'g', 'w', '-', '_', '=', '.']) expect(signer.verify('unsubscribe', token.slice(0, i) + c + token.slice(i))).toBeNull();
      if (i < token.length) expect(signer.verify('unsubscribe', token.slice(0, i) + token.slice(i + 1))).toBeNull();
    }
  });

  it('answers null for garbage instead of throwing', () => {
    for (const garbage of ['', '.', 'abc', 'a.b.c', '!!!.???', 'MTIz.', '.AAAA', 'MTIz.%%%', 'x'.repeat(10_000), 'MTIz.AAAAAAAAAAAAAAAAAAAAAA==']) {
      expect(signer.verify('unsubscribe', garbage)).toBeNull();
    }
    expect(signer.verify('unsubscribe', undefined as unknown as string)).toBeNull();
  });

  it('computes the MAC as HMAC-SHA256 does, for short, block-sized and long keys and any payload', () => {
    const reference = (key: Buffer, message: string) => crypto.createHmac('sha256', key).update(message, 'utf8').digest().subarray(0, 16).toString('base64url');
    for (const key of [Buffer.alloc(16, 7), Buffer.from('k'.repeat(64)), Buffer.from('k'.repeat(65)), crypto.randomBytes(200), crypto.randomBytes(33)]) {
      const keyed = new HmacTokenSigner(key);
      for (const payload of ['1', '9007199254740993', '123.45.2.1', 'ünïcødé/π?&=', 'x'.repeat(1500), 'é'.repeat(1400), 'y'.repeat(5000)]) {
        const token = keyed.sign('click', payload);
        expect(token.slice(token.indexOf('.') + 1)).toBe(reference(key, `click:${payload}`));
        expect(keyed.verify('click', token)).toBe(payload.length <= 3000 ? payload : null);
      }
    }
  });

  it('accepts a payload spelling exactly when decoding and encoding it again gives it back', () => {
    const secret = 'a-test-secret-of-enough-length';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 5000; n++) {
      const encoded = Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % 64]).join('');
      const payload = Buffer.from(encoded, 'base64url').toString('utf8');
      // The right MAC for what the spelling decodes to: only the spelling itself can be refused.
      const mac = crypto.createHmac('sha256', secret).update(`unsubscribe:${payload}`, 'utf8').digest().subarray(0, 16).toString('base64url');
      const canonical = Buffer.from(payload, 'utf8').toString('base64url') === encoded;
      expect(signer.verify('unsubscribe', `${encoded}.${mac}`), encoded).toBe(canonical ? payload : null);
    }
  });

  it('keeps purposes unambiguous and secrets long enough', () => {
    expect(() => signer.sign('a:b', 'c')).toThrow(/purpose/);
    expect(signer.verify('a:b', signer.sign('a', 'b:c'))).toBeNull();
    expect(() => new HmacTokenSigner('short')).toThrow(/16 bytes/);
  });
});
