import crypto from 'node:crypto';
import type { TokenSigner } from '../../domain/ports/token-signer.js';

/** 16 bytes (128 bits) is ample against forgery and keeps links short. */
const MAC_BYTES = 16;
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

/**
 * Tokens as `base64url(payload).base64url(HMAC-SHA256(purpose ':' payload)[0..16])`: the payload is
 * readable (it is only an id) and the purpose is inside the MAC, so a token signed for one purpose
 * never verifies for another.
 */
export class HmacTokenSigner implements TokenSigner {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    if (this.key.length < 16) throw new Error('HmacTokenSigner: the secret must be at least 16 bytes');
  }

  sign(purpose: string, payload: string): string {
    // A ':' in the purpose would let `a:b` + `c` and `a` + `b:c` share a MAC.
    if (purpose.includes(':')) throw new Error(`HmacTokenSigner: purpose must not contain ':' (${purpose})`);
    return `${Buffer.from(payload, 'utf8').toString('base64url')}.${this.mac(purpose, payload).toString('base64url')}`;
  }

  verify(purpose: string, token: string): string | null {
    if (typeof token !== 'string' || token.length > 4096 || purpose.includes(':')) return null;
    const parts = token.split('.');
    if (parts.length !== 2) return null;
    const [encodedPayload, encodedMac] = parts as [string, string];
    if (!BASE64URL_RE.test(encodedPayload) || !BASE64URL_RE.test(encodedMac)) return null;
    // Node's base64url decoder is lenient (spare low bits of the last character ignored, invalid
    // characters skipped, invalid UTF-8 replaced), so several spellings decode alike: only the one
    // canonical spelling of each part is accepted, or a changed character could still verify.
    const payload = Buffer.from(encodedPayload, 'base64url').toString('utf8');
    if (Buffer.from(payload, 'utf8').toString('base64url') !== encodedPayload) return null;
    // The MAC is compared as its canonical text, in constant time: any other spelling of the same
    // bytes differs from the expected text, so it is refused without decoding what was given.
    const given = Buffer.from(encodedMac, 'ascii');
    const expected = Buffer.from(this.mac(purpose, payload).toString('base64url'), 'ascii');
    if (given.length !== expected.length) return null;
    return crypto.timingSafeEqual(given, expected) ? payload : null;
  }

  private mac(purpose: string, payload: string): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${purpose}:${payload}`, 'utf8').digest().subarray(0, MAC_BYTES);
  }
}
