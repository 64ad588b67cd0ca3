/**
 * Signs short payloads for links people click without logging in (unsubscribe now, tracking later).
 * A token carries its purpose, so an unsubscribe token is never accepted as anything else.
 */
export interface TokenSigner {
  /** A URL-safe token for `payload` under `purpose`. */
  sign(purpose: string, payload: string): string;
  /** The payload only for the exact text `sign(purpose, …)` produced; null for any other (tampered, foreign, re-spelled). */
  verify(purpose: string, token: string): string | null;
}
