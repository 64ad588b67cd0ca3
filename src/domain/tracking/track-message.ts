import type { OutboundMessage } from '../ports/channel-provider.js';
import type { ClickToken } from './tracking-tokens.js';
import { addOpenPixel, htmlLinks, NO_TRACK_ATTRIBUTE, rewriteHtmlLinks, rewriteTextLinks, textLinks } from './rewrite-links.js';

/** What rendering needs to track a message's opens and clicks (built in wiring from the signer and the link store). */
export interface MessageTracking {
  /** The campaign's link ids for these destinations, registering new ones (see LinkStore). */
  registerLinks(campaignId: number, urls: readonly string[]): Promise<Map<string, number>>;
  clickUrl(token: ClickToken): string;
  openUrl(messageId: string): string;
  /** Herald's own URLs (the unsubscribe link, tracked links already): never rewritten. */
  isOwn(url: string): boolean;
}

const TEMPLATE_OPT_OUT = new RegExp(`<(html|body)\\b[^>]*\\b${NO_TRACK_ATTRIBUTE}\\b`, 'i');
const TEMPLATE_OPT_OUT_ATTRIBUTE = new RegExp(`(<(?:html|body)\\b[^>]*?)\\s+${NO_TRACK_ATTRIBUTE}(\\s*=\\s*("[^"]*"|'[^']*'|[^\\s>]*))?`, 'i');

/** The tracked links could not be registered (the database, not the template): the message is tried again later. */
export class LinkRegistrationError extends Error {}

/**
 * Rewrites a rendered message's links to tracked ones and adds the open pixel to its HTML. Every
 * destination is registered before the message goes out, so a click can only lead to a stored link.
 */
export async function trackMessage(tracking: MessageTracking, campaignId: number, message: OutboundMessage): Promise<OutboundMessage> {
  const html = 'html' in message ? (message.html ?? null) : null;
  // A template turns tracking off for all its messages with the marker on <html> or <body>.
  if (html !== null && TEMPLATE_OPT_OUT.test(html)) return { ...message, html: html.replace(TEMPLATE_OPT_OUT_ATTRIBUTE, '$1') };
  const urls = [...new Set([...(html ? htmlLinks(html) : []), ...textLinks(message.text)])].filter((u) => !tracking.isOwn(u));
  let ids = new Map<string, number>();
  try {
    if (urls.length) ids = await tracking.registerLinks(campaignId, urls);
  } catch (error) {
    throw new LinkRegistrationError(`tracked links could not be registered: ${(error as Error).message}`);
  }
  const pixel = html !== null;
  const links = ids.size;
  const replace = (url: string): string | null => {
    const linkId = tracking.isOwn(url) ? undefined : ids.get(url);
    return linkId === undefined ? null : tracking.clickUrl({ messageId: message.messageId, linkId, links, pixel });
  };
  const text = rewriteTextLinks(message.text, replace);
  if (html === null) return { ...message, text };
  return { ...message, text, html: addOpenPixel(rewriteHtmlLinks(html, replace), tracking.openUrl(message.messageId)) };
}
