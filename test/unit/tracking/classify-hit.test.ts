import { describe, expect, it } from 'vitest';
import { classifyBatch, classifyHit, HIT_RULES, SCANNER_AGENTS, type Hit, type MessageHistory, type PastHit } from '../../../src/domain/tracking/classify-hit.js';

const DELIVERED = new Date('2026-11-22T10:00:00.000Z');
const at = (seconds: number) => new Date(DELIVERED.getTime() + seconds * 1000);
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const OUTLOOK = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; Microsoft Outlook 16.0.17126; ms-office; MSOffice 16)';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function open(seconds: number, over: Partial<Hit> = {}): Hit {
  return { kind: 'open', at: at(seconds), method: 'GET', userAgent: IPHONE, ip: '198.51.100.7', messageId: '1', linkId: null, linksInMessage: null, hasPixel: true, ...over };
}
function click(seconds: number, linkId: number, over: Partial<Hit> = {}): Hit {
  return { kind: 'click', at: at(seconds), method: 'GET', userAgent: CHROME, ip: '198.51.100.7', messageId: '1', linkId, linksInMessage: 3, hasPixel: true, ...over };
}
const openedAt = (seconds: number): PastHit => ({ kind: 'open', at: at(seconds), linkId: null });
const clickedAt = (seconds: number, linkId: number): PastHit => ({ kind: 'click', at: at(seconds), linkId });
const history = (hits: PastHit[] = [], deliveredAt: Date | null = DELIVERED): MessageHistory => ({ deliveredAt, hits });
const settings = { botWindowMs: 60_000, burstWindowMs: 5_000 };

// Each row: what arrives, what is known of the message, the class and the rule that must decide it.
const CASES: [string, Hit, MessageHistory, string, string | null][] = [
  ['an open at 59 s is inside the bot window', open(59), history(), 'bot_window', 'bot_window'],
  ['an open at 61 s is a person', open(61), history(), 'human', null],
  ['an open exactly at 60 s is out of the window', open(60), history(), 'human', null],
  ['a click at 59 s (after an open) is inside the bot window', click(59, 1), history([openedAt(10)]), 'bot_window', 'bot_window'],
  ['a click at 61 s after an open is a person', click(61, 1), history([openedAt(30)]), 'human', null],
  ['a hit before delivery was recorded is a bot', open(-5), history(), 'bot_window', 'bot_window'],
  ['no delivery time known: the window cannot apply', open(1), history([], null), 'human', null],
  ['a HEAD request is a scanner, even late', open(3600, { method: 'HEAD' }), history(), 'scanner', 'scanner_head'],
  ['HEAD on a link', click(3600, 1, { method: 'head' }), history([openedAt(100)]), 'scanner', 'scanner_head'],
  ['Mimecast', click(3600, 1, { userAgent: 'Mozilla/5.0 (compatible; Mimecast URL Protect)' }), history([openedAt(100)]), 'scanner', 'scanner_agent'],
  ['Barracuda', open(3600, { userAgent: 'Barracuda Sentinel (EE)' }), history(), 'scanner', 'scanner_agent'],
  ['Proofpoint', click(3600, 2, { userAgent: 'Proofpoint URL Defense' }), history([openedAt(100)]), 'scanner', 'scanner_agent'],
  ['python-requests', click(3600, 2, { userAgent: 'python-requests/2.31.0' }), history([openedAt(100)]), 'scanner', 'scanner_agent'],
  ['curl', click(3600, 2, { userAgent: 'curl/8.4.0' }), history([openedAt(100)]), 'scanner', 'scanner_agent'],
  ['Slack unfurling a forwarded link', click(3600, 2, { userAgent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }), history([openedAt(100)]), 'scanner', 'scanner_agent'],
  ['Outlook desktop is a person (its agent says ms-office)', open(3600, { userAgent: OUTLOOK }), history(), 'human', null],
  ['Apple Mail Privacy Protection (bare agent)', open(5, { userAgent: 'Mozilla/5.0' }), history(), 'privacy_proxy', 'privacy_proxy'],
  ['Apple MPP late prefetch from 17.0.0.0/8', open(7200, { ip: '17.58.101.3' }), history(), 'privacy_proxy', 'privacy_proxy'],
  ['Apple MPP over IPv4-mapped IPv6', open(7200, { ip: '::ffff:17.58.101.3' }), history(), 'privacy_proxy', 'privacy_proxy'],
  ['Yahoo proxy', open(7200, { userAgent: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html' }), history(), 'privacy_proxy', 'privacy_proxy'],
  ['a bare agent on a click is not a proxy (proxies fetch images)', click(7200, 1, { userAgent: 'Mozilla/5.0' }), history([openedAt(100)]), 'human', null],
  ['Gmail’s image proxy fetches when opened: a person', open(7200, { userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' }), history(), 'human', null],
  ['all three links within 5 s: scanner', click(300, 3), history([openedAt(100), clickedAt(297, 1), clickedAt(299, 2)]), 'scanner', 'scanner_all_links'],
  ['all links but spread over minutes: a person', click(900, 3), history([openedAt(100), clickedAt(300, 1), clickedAt(600, 2)]), 'human', null],
  ['two of three links within 5 s: a person', click(300, 2), history([openedAt(100), clickedAt(298, 1)]), 'human', null],
  ['the same link twice quickly: a person (double click)', click(300, 1), history([openedAt(100), clickedAt(299, 1)]), 'human', null],
  ['a one-link message hit once: never an all-links burst', click(300, 1, { linksInMessage: 1 }), history([openedAt(100)]), 'human', null],
  ['a click before any open of an email with a pixel', click(300, 1), history(), 'scanner', 'scanner_click_before_open'],
  ['a click after a machine open still has an open before it', click(300, 1), history([openedAt(20)]), 'human', null],
  ['an SMS click has no pixel to wait for', click(300, 1, { hasPixel: false, linksInMessage: 1 }), history(), 'human', null],
  ['the first rule wins: HEAD inside the window is a scanner (HEAD)', open(10, { method: 'HEAD' }), history(), 'scanner', 'scanner_head'],
  ['a proxy prefetch inside the window is a machine open, not bot_window', open(2, { userAgent: 'Mozilla/5.0' }), history(), 'privacy_proxy', 'privacy_proxy'],
];

describe('classifyHit: one table of rules, the first match decides', () => {
  it.each(CASES)('%s', (_name, hit, past, classification, reason) => {
    expect(classifyHit(hit, past, settings)).toEqual({ classification, reason });
  });

  it('honours a configured bot window (TRACKING_BOT_WINDOW_SECONDS)', () => {
    expect(classifyHit(open(100), history(), { ...settings, botWindowMs: 120_000 }).classification).toBe('bot_window');
    expect(classifyHit(open(1), history(), { ...settings, botWindowMs: 0 }).classification).toBe('human');
  });

  it('keeps every reason as data: unique ids, a description, kinds', () => {
    const ids = HIT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of HIT_RULES) {
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.kinds.length).toBeGreaterThan(0);
    }
  });
});

describe('classifyBatch: a burst that arrives in one batch is judged as a whole', () => {
  it('flags every click of an all-links burst, not only the last', () => {
    const batch = [click(300, 1), click(301, 2), click(302, 3)];
    const stored = new Map([['1', { deliveredAt: DELIVERED, hits: [openedAt(100)] }]]);
    expect(classifyBatch(batch, stored, settings).map((c) => c.reason)).toEqual(['scanner_all_links', 'scanner_all_links', 'scanner_all_links']);
  });

  it('sees an open of the same batch that came first (open then click: a person)', () => {
    const batch = [open(200), click(205, 1)];
    const stored = new Map([['1', { deliveredAt: DELIVERED, hits: [] }]]);
    expect(classifyBatch(batch, stored, settings).map((c) => c.classification)).toEqual(['human', 'human']);
  });

  it('keeps messages apart: another message’s clicks are not this one’s burst', () => {
    const batch = [click(300, 1), click(300, 2, { messageId: '2' }), click(301, 3, { messageId: '3' })];
    const stored = new Map(['1', '2', '3'].map((id) => [id, { deliveredAt: DELIVERED, hits: [openedAt(100)] }]));
    expect(classifyBatch(batch, stored, settings).every((c) => c.classification === 'human')).toBe(true);
  });

  it('judges each hit exactly as classifyHit would with the message’s other hits (stored, then the batch’s in order)', () => {
    const batch = [open(30), click(200, 1), open(210, { messageId: '2' }), click(201, 2), open(220, { userAgent: 'Mozilla/5.0' }), click(202, 3, { messageId: '2' }), click(203, 3)];
    const stored = new Map([
      ['1', { deliveredAt: DELIVERED, hits: [clickedAt(199, 2)] }],
      ['2', { deliveredAt: DELIVERED, hits: [] }],
    ]);
    const expected = batch.map((h) => {
      const known = stored.get(h.messageId)!;
      const others = batch.filter((o) => o !== h && o.messageId === h.messageId).map((o) => ({ kind: o.kind, at: o.at, linkId: o.linkId }));
      return classifyHit(h, { deliveredAt: known.deliveredAt, hits: [...known.hits, ...others] }, settings);
    });
    expect(classifyBatch(batch, stored, settings)).toEqual(expected);
    expect(new Set(expected.map((c) => c.reason))).toEqual(new Set(['bot_window', 'scanner_click_before_open', 'scanner_all_links', 'privacy_proxy', null]));
  });

  it('a message opened a thousand times in one batch: every open is classified', () => {
    const batch = Array.from({ length: 1000 }, (_, i) => open(100 + i / 10));
    const stored = new Map([['1', { deliveredAt: DELIVERED, hits: [] }]]);
    expect(classifyBatch(batch, stored, settings).every((c) => c.classification === 'human')).toBe(true);
  });
});

describe('scanner agents: the table is tried as one pattern', () => {
  it('says scanner_agent exactly when one of the table’s patterns matches', () => {
    const agents = [IPHONE, OUTLOOK, CHROME, 'Barracuda Sentinel (EE)', 'curl/8.5.0', 'Mozilla/5.0 curl/8', 'Mozilla/5.0 (compatible; Googlebot/2.1)', 'robot', 'a bot here', 'Slackbot-LinkExpanding 1.0', 'PROOFPOINT', 'Mozilla/5.0 HeadlessChrome/120'];
    for (const userAgent of agents) {
      const expected = SCANNER_AGENTS.some((a) => a.pattern.test(userAgent));
      expect([userAgent, classifyHit(open(300, { userAgent }), history([openedAt(100)]), settings).reason === 'scanner_agent']).toEqual([userAgent, expected]);
    }
  });
});
