/**
 * Signs short payloads for links people click without logging in (unsubscribe now, tracking later).
 * A token carries its purpose, so an unsubscribe token is never accepted as anything else.
 */
export interface TokenSigner {
  /** A URL-safe token for `payload` under `purpose`. */
  sign(purpose: string, payload: string): string;
  /** The payload when the token is intact and was signed for `purpose`; null when tampered or foreign. */
  verify(purpose: string, token: string): string | null;
}
