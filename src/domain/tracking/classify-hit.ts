/**
 * What a tracking hit was: the one table of rules, as data, tried in order; the first that matches
 * decides the class and its id is stored as the hit's reason. Pure: the history of the message and
 * the settings come in, nothing is read from anywhere else. Only `human` hits count in rates.
 */

export type HitKind = 'open' | 'click';
export type HitClass = 'human' | 'bot_window' | 'scanner' | 'privacy_proxy';
export const HIT_CLASSES: readonly HitClass[] = ['human', 'bot_window', 'scanner', 'privacy_proxy'];

/** One request to the pixel or a tracked link, as received. */
export interface Hit {
  kind: HitKind;
  at: Date;
  method: string;
  userAgent: string | null;
  /** The full client address (classification sees it before any anonymising). */
  ip: string | null;
  messageId: string;
  linkId: number | null;
  /** Tracked links the message carried (from its signed click token); null for opens. */
  linksInMessage: number | null;
  /** The message carried an open pixel (from its signed click token); false for SMS and text-only mail. */
  hasPixel: boolean;
}

/** Another hit of the same message, stored earlier or in the same batch. */
export interface PastHit {
  kind: HitKind;
  at: Date;
  linkId: number | null;
}

/** What is known about the message a hit is for. */
export interface MessageHistory {
  /** When the provider took it (delivered_at, else sent_at); null when not recorded yet. */
  deliveredAt: Date | null;
  /** The message's other hits (stored and in this batch, before and after this one). */
  hits: readonly PastHit[];
}

export interface ClassifySettings {
  /** Hits this soon after delivery are bots (seed 000: 60 s). */
  botWindowMs: number;
  /** Every link of a message hit within this span is a link scanner. */
  burstWindowMs: number;
}

export const DEFAULT_CLASSIFY_SETTINGS: ClassifySettings = { botWindowMs: 60_000, burstWindowMs: 5_000 };

/** Security scanners, link checkers and previewers that fetch links without a person (case-insensitive). */
export const SCANNER_AGENTS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'Barracuda', pattern: /barracuda/i },
  { name: 'Mimecast', pattern: /mimecast/i },
  { name: 'Proofpoint', pattern: /proofpoint|pphosted/i },
  { name: 'Microsoft Safe Links / Defender', pattern: /safelinks|microsoft office protocol discovery|microsoft-defender|bingpreview/i },
  { name: 'Symantec / Broadcom', pattern: /symantec|messagelabs|broadcom/i },
  { name: 'Trend Micro', pattern: /trend ?micro|trendmicro/i },
  { name: 'Sophos', pattern: /sophos/i },
  { name: 'Forcepoint', pattern: /forcepoint|websense/i },
  { name: 'FortiGuard', pattern: /forti(guard|net|mail)/i },
  { name: 'Cisco IronPort', pattern: /ironport|cisco/i },
  { name: 'Bitdefender', pattern: /bitdefender/i },
  { name: 'Zscaler', pattern: /zscaler/i },
  { name: 'Google safe browsing / crawler', pattern: /google-safety|googlebot|google-inspectiontool/i },
  { name: 'link preview', pattern: /slackbot|facebookexternalhit|twitterbot|linkedinbot|discordbot|whatsapp|telegrambot|skypeuripreview/i },
  { name: 'headless browser', pattern: /headlesschrome|phantomjs|puppeteer|playwright|selenium/i },
  { name: 'HTTP library', pattern: /^(curl|wget|python-requests|python-urllib|go-http-client|java\/|okhttp|axios|node-fetch|undici|libwww-perl|httpclient)/i },
  { name: 'crawler', pattern: /\b(bot|crawler|spider|scanner)\b/i },
];

/**
 * The table's patterns as one alternation, tried once per hit (most agents match none, and one scan
 * beats seventeen). Same answer as trying each: all are case-insensitive and stateless (no g or y).
 */
const ANY_SCANNER_AGENT = (() => {
  const flags = new Set(SCANNER_AGENTS.map((a) => a.pattern.flags));
  if (flags.size !== 1 || !flags.has('i')) throw new Error('SCANNER_AGENTS: every pattern must have exactly the i flag');
  return new RegExp(SCANNER_AGENTS.map((a) => `(?:${a.pattern.source})`).join('|'), 'i');
})();

/** Image proxies that fetch every image when a message arrives, whether or not anyone reads it. */
export const PREFETCH_PROXIES: readonly { name: string; test(hit: Hit): boolean }[] = [
  // Apple Mail Privacy Protection fetches through Apple's relays with a bare agent, from 17.0.0.0/8 or CDN relays.
  { name: 'Apple Mail Privacy Protection', test: (h) => h.userAgent?.trim() === 'Mozilla/5.0' || (h.ip !== null && /^(::ffff:)?17\./.test(h.ip)) },
  { name: 'Yahoo Mail proxy', test: (h) => /yahoomailproxy/i.test(h.userAgent ?? '') },
];

export interface HitRule {
  /** Stored as the hit's reason; stable, as reports group by it. */
  id: string;
  class: Exclude<HitClass, 'human'>;
  kinds: readonly HitKind[];
  /** The rule in words, as a report shows it. */
  description: string;
  matches(hit: Hit, history: MessageHistory, settings: ClassifySettings): boolean;
}

export const HIT_RULES: readonly HitRule[] = [
  {
    id: 'scanner_head',
    class: 'scanner',
    kinds: ['open', 'click'],
    description: 'a HEAD request (link checkers ask for headers only; a mail client or a browser asks GET)',
    matches: (h) => h.method.toUpperCase() === 'HEAD',
  },
  {
    id: 'scanner_agent',
    class: 'scanner',
    kinds: ['open', 'click'],
    description: 'the user agent of a known security scanner, link previewer or HTTP library',
    matches: (h) => h.userAgent !== null && ANY_SCANNER_AGENT.test(h.userAgent),
  },
  {
    id: 'privacy_proxy',
    class: 'privacy_proxy',
    kinds: ['open'],
    description: 'an image proxy that fetches on arrival (Apple Mail Privacy Protection, Yahoo): a machine open, not a person reading',
    matches: (h) => PREFETCH_PROXIES.some((p) => p.test(h)),
  },
  {
    id: 'bot_window',
    class: 'bot_window',
    kinds: ['open', 'click'],
    description: 'within the bot window after delivery (seed rule: 60 s), or before delivery was even recorded',
    matches: (h, m, s) => m.deliveredAt !== null && h.at.getTime() - m.deliveredAt.getTime() < s.botWindowMs,
  },
  {
    id: 'scanner_all_links',
    class: 'scanner',
    kinds: ['click'],
    description: 'every link of the message (two or more) hit within a few seconds of each other',
    matches: (h, m, s) => {
      if (h.linksInMessage === null || h.linksInMessage < 2 || h.linkId === null) return false;
      const links = new Set<number>([h.linkId]);
      for (const p of m.hits) {
        if (p.kind === 'click' && p.linkId !== null && Math.abs(p.at.getTime() - h.at.getTime()) <= s.burstWindowMs) links.add(p.linkId);
      }
      return links.size >= h.linksInMessage;
    },
  },
  {
    id: 'scanner_click_before_open',
    class: 'scanner',
    kinds: ['click'],
    description: 'a click on an email with an open pixel before the pixel was ever fetched (followed without being displayed)',
    matches: (h, m) => h.hasPixel && !m.hits.some((p) => p.kind === 'open' && p.at.getTime() <= h.at.getTime()),
  },
];

export interface Classification {
  classification: HitClass;
  /** The rule's id; null for `human`. */
  reason: string | null;
}

/** The first rule of the table that matches, else `human`. */
export function classifyHit(hit: Hit, history: MessageHistory, settings: ClassifySettings = DEFAULT_CLASSIFY_SETTINGS): Classification {
  for (const rule of HIT_RULES) {
    if (rule.kinds.includes(hit.kind) && rule.matches(hit, history, settings)) return { classification: rule.class, reason: rule.id };
  }
  return { classification: 'human', reason: null };
}

/** A rule by its id (a stored reason), for reports that show what each rule removed. */
export function hitRule(id: string): HitRule | undefined {
  return HIT_RULES.find((r) => r.id === id);
}

/**
 * Classifies a batch: each hit sees its message's stored hits and the batch's other hits of that
 * message, so a burst that arrives in one batch is judged as a whole. The list of other hits is
 * made only when a rule reads it (the click rules): opens, most hits, never pay for it (nor for
 * grouping the batch by message), and a message hit a thousand times in one batch is not copied a
 * thousand times for its opens.
 */
export function classifyBatch(
  hits: readonly Hit[],
  stored: ReadonlyMap<string, { deliveredAt: Date | null; hits: readonly PastHit[] }>,
  settings: ClassifySettings = DEFAULT_CLASSIFY_SETTINGS,
): Classification[] {
  // Grouped the first time a rule asks for a message's hits (a batch of opens never does).
  let byMessage: Map<string, Hit[]> | null = null;
  const batchOf = (messageId: string): Hit[] => {
    if (byMessage === null) {
      byMessage = new Map();
      for (const h of hits) {
        const list = byMessage.get(h.messageId);
        if (list) list.push(h);
        else byMessage.set(h.messageId, [h]);
      }
    }
    return byMessage.get(messageId)!;
  };
  const out = new Array<Classification>(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    const known = stored.get(h.messageId);
    let others: PastHit[] | null = null;
    const history: MessageHistory = {
      deliveredAt: known?.deliveredAt ?? null,
      get hits() {
        if (others === null) {
          others = known ? [...known.hits] : [];
          for (const o of batchOf(h.messageId)) if (o !== h) others.push({ kind: o.kind, at: o.at, linkId: o.linkId });
        }
        return others;
      },
    };
    out[i] = classifyHit(h, history, settings);
  }
  return out;
}
