/**
 * The RFC 2919 `List-Id` of a campaign's mail: `c-<id>.herald.<sending domain>`. It stays the same
 * for every run of the campaign (a recurring one included), so mailbox providers and readers can
 * group, filter and attribute complaints to one campaign; mail with `List-Unsubscribe` but no
 * `List-Id` looks like a half-built list to spam filters (SpamAssassin's `__LIST_PARTIAL`).
 * RFC 2919 wants the namespace to be a domain the sender controls: the From address's domain
 * (the one DKIM signs for); `localhost`, the RFC's namespace for unregistered lists, when it has none.
 */
export function campaignListId(campaignId: number, fromEmail: string | null): string {
  return `c-${campaignId}.herald.${listNamespace(fromEmail)}`;
}

const DOT_ATOM_DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

function listNamespace(fromEmail: string | null): string {
  const at = fromEmail?.lastIndexOf('@') ?? -1;
  if (!fromEmail || at < 0) return 'localhost';
  let domain: string;
  try {
    // The WHATWG URL parser lower-cases and punycodes an internationalised domain: a List-Id is ASCII.
    domain = new URL(`http://${fromEmail.slice(at + 1).trim()}`).hostname;
  } catch {
    return 'localhost';
  }
  return DOT_ATOM_DOMAIN.test(domain) ? domain : 'localhost';
}
