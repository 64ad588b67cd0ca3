import type { StatusReason } from './campaign.js';

/**
 * Content rules that make a campaign `rejected` (seed 003: "abusive or fraudulent content"). Each rule
 * explains itself so the person can fix the content and resubmit.
 */
export interface ContentPolicy {
  /** Extra blocked words or phrases (case-insensitive), from configuration. */
  blockedTerms: readonly string[];
}

const SHORTENERS = ['bit.ly', 'tinyurl.com', 'goo.gl', 't.co', 'ow.ly', 'is.gd', 'buff.ly', 'cutt.ly', 'rebrand.ly', 'shorturl.at'];
const CREDENTIAL_PHISHING = /\b(confirm|verify|update|enter|send)\b[^.!?\n]{0,40}\b(password|passcode|pin|social security|ssn|card number|cvv|login details)\b/i;
const URL = /\bhttps?:\/\/([^\s/"'<>?#]+)/gi;

export function checkContent(texts: readonly (string | null)[], policy: ContentPolicy): StatusReason[] {
  const reasons: StatusReason[] = [];
  const body = texts.filter((t): t is string => !!t).join('\n');
  const lower = body.toLowerCase();
  for (const term of policy.blockedTerms) {
    const t = term.trim().toLowerCase();
    if (t && lower.includes(t)) reasons.push({ code: 'BLOCKED_TERM', message: `contains the blocked term "${term.trim()}"` });
  }
  if (CREDENTIAL_PHISHING.test(body)) {
    reasons.push({ code: 'CREDENTIAL_REQUEST', message: 'asks recipients for a password, PIN or card details (phishing rule)' });
  }
  for (const match of body.matchAll(URL)) {
    const host = (match[1] ?? '').toLowerCase().replace(/:\d+$/, '');
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) {
      reasons.push({ code: 'RAW_IP_LINK', message: `links to a bare IP address (${host}); use a domain name` });
    } else if (SHORTENERS.includes(host)) {
      reasons.push({ code: 'HIDDEN_DESTINATION', message: `links through the URL shortener ${host}, which hides the destination` });
    }
  }
  return dedupe(reasons);
}

function dedupe(reasons: StatusReason[]): StatusReason[] {
  const seen = new Set<string>();
  return reasons.filter((r) => (seen.has(r.message) ? false : (seen.add(r.message), true)));
}
