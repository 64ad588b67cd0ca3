import type { TokenSigner } from '../ports/token-signer.js';

/** Signer purposes: an open token never verifies as a click token, nor either as an unsubscribe token. */
export const OPEN_PURPOSE = 'open';
export const CLICK_PURPOSE = 'click';

const ID = '[1-9][0-9]{0,17}';
const OPEN_PAYLOAD = new RegExp(`^(${ID})$`);
/** message . link . links in the message . pixel (1/0): one canonical spelling, no leading zeros. */
const CLICK_PAYLOAD = new RegExp(`^(${ID})\\.([1-9][0-9]{0,9})\\.([1-9][0-9]{0,3})\\.([01])$`);

export interface ClickToken {
  messageId: string;
  linkId: number;
  /** How many tracked links the message carried (the all-links scanner rule). */
  links: number;
  /** Whether the message carried an open pixel (the click-before-open rule). */
  pixel: boolean;
}

export function signOpen(signer: TokenSigner, messageId: string): string {
  return signer.sign(OPEN_PURPOSE, messageId);
}

/** The message id of a valid open token; null for anything else. */
export function verifyOpen(signer: TokenSigner, token: string): string | null {
  const payload = signer.verify(OPEN_PURPOSE, token);
  return payload !== null && OPEN_PAYLOAD.test(payload) ? payload : null;
}

export function signClick(signer: TokenSigner, t: ClickToken): string {
  return signer.sign(CLICK_PURPOSE, `${t.messageId}.${t.linkId}.${t.links}.${t.pixel ? 1 : 0}`);
}

/** What a valid click token says; null for anything tampered, foreign or not in the one canonical form. */
export function verifyClick(signer: TokenSigner, token: string): ClickToken | null {
  const payload = signer.verify(CLICK_PURPOSE, token);
  const m = payload === null ? null : CLICK_PAYLOAD.exec(payload);
  if (!m) return null;
  return { messageId: m[1]!, linkId: Number(m[2]), links: Number(m[3]), pixel: m[4] === '1' };
}
