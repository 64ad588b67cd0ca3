/**
 * Finding and rewriting the links of a rendered message (pure string work, no HTML library: the
 * rendered HTML is the template author's, and only `href` values of `<a>` tags change).
 */

/** `<a … href="…" …>`: the tag and its href, double- or single-quoted. */
const ANCHOR = /<a\b([^>]*?)\bhref\s*=\s*("([^"]*)"|'([^']*)')([^>]*)>/gi;
/** A URL in plain text (email text part, SMS): up to whitespace or a closing bracket/quote. */
const TEXT_URL = /\bhttps?:\/\/[^\s<>"'`)\]}]+/gi;
/** An anchor with this attribute keeps its link as written (a per-link opt-out). */
export const NO_TRACK_ATTRIBUTE = 'data-herald-notrack';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&apos;': "'", '&lt;': '<', '&gt;': '>', '&#38;': '&', '&#x26;': '&' };

function decodeHref(value: string): string {
  return value.replace(/&(amp|quot|#39|apos|lt|gt|#38|#x26);/gi, (e) => ENTITIES[e.toLowerCase()] ?? e);
}

function encodeHref(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

function trackable(url: string): boolean {
  return /^https?:\/\/[^\s/?#]+/i.test(url);
}

/** Trailing punctuation a sentence adds after a URL is not part of it. */
function trimUrl(url: string): string {
  return url.replace(/[.,;:!?]+$/, '');
}

/** The http(s) links of an HTML body that may be tracked (not opted out), as a browser would follow them. */
export function htmlLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(ANCHOR)) {
    if ((m[1]! + m[5]!).toLowerCase().includes(NO_TRACK_ATTRIBUTE)) continue;
    const url = decodeHref((m[3] ?? m[4] ?? '').trim());
    if (trackable(url)) out.push(url);
  }
  return out;
}

/** The http(s) URLs written in plain text. */
export function textLinks(text: string): string[] {
  return [...text.matchAll(TEXT_URL)].map((m) => trimUrl(m[0])).filter(trackable);
}

/** Replaces each tracked href with `replace(url)` (null keeps it as written); drops the opt-out attribute. */
export function rewriteHtmlLinks(html: string, replace: (url: string) => string | null): string {
  return html.replace(ANCHOR, (whole, before: string, _q: string, dq: string | undefined, sq: string | undefined, after: string) => {
    const attributes = before + after;
    if (attributes.toLowerCase().includes(NO_TRACK_ATTRIBUTE)) {
      return whole.replace(new RegExp(`\\s*${NO_TRACK_ATTRIBUTE}(\\s*=\\s*("[^"]*"|'[^']*'|[^\\s>]*))?`, 'i'), '');
    }
    const url = decodeHref((dq ?? sq ?? '').trim());
    const next = trackable(url) ? replace(url) : null;
    return next === null ? whole : `<a${before}href="${encodeHref(next)}"${after}>`;
  });
}

/** Replaces each URL written in plain text with `replace(url)` (null keeps it). */
export function rewriteTextLinks(text: string, replace: (url: string) => string | null): string {
  return text.replace(TEXT_URL, (found) => {
    const url = trimUrl(found);
    if (!trackable(url)) return found;
    const next = replace(url);
    return next === null ? found : next + found.slice(url.length);
  });
}

/** Adds the open pixel just before `</body>` (or at the end of a fragment). */
export function addOpenPixel(html: string, pixelUrl: string): string {
  const img = `<img src="${encodeHref(pixelUrl)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? html + img : html.slice(0, close) + img + html.slice(close);
}
