import crypto from 'node:crypto';
import type { TokenSigner } from '../../domain/ports/token-signer.js';

/** 16 bytes (128 bits) is ample against forgery and keeps links short. */
const MAC_BYTES = 16;
/**
 * The one spelling `sign` gives: a non-empty unpadded base64url payload, a dot, and the MAC's 22
 * characters, whose last carries 2 bits of the MAC and 4 spare bits that must be zero (A, Q, g or
 * w): any other spelling of the same 16 bytes is refused here, before anything is decoded.
 */
const TOKEN_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{21}[AQgw]$/;

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
    if (typeof token !== 'string' || token.length > 4096 || purpose.includes(':') || !TOKEN_RE.test(token)) return null;
    const dot = token.length - 23;
    const encodedPayload = token.slice(0, dot);
    // Node's base64url decoder is lenient (spare low bits of the last character ignored, invalid
    // characters skipped, invalid UTF-8 replaced), so several spellings decode alike: only the one
    // canonical spelling of the payload is accepted, or a changed character could still verify.
    const payload = Buffer.from(encodedPayload, 'base64url').toString('utf8');
    if (Buffer.from(payload, 'utf8').toString('base64url') !== encodedPayload) return null;
    // The MAC's spelling is canonical (TOKEN_RE), so its 16 bytes are compared in constant time.
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    return given.length === MAC_BYTES && crypto.timingSafeEqual(given, this.mac(purpose, payload)) ? payload : null;
  }

  private mac(purpose: string, payload: string): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${purpose}:${payload}`, 'utf8').digest().subarray(0, MAC_BYTES);
  }
}
