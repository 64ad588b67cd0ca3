import fs from 'node:fs';
import nodeHttp from 'node:http';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { SmsOutboxProvider, SMS_OUTBOX_FILE } from '../../src/adapters/channels/capture/sms-outbox-provider.js';
import { HmacTokenSigner } from '../../src/adapters/crypto/hmac-token-signer.js';
import { campaignMetrics, type Figure } from '../../src/domain/metrics/campaign-metrics.js';
import { signClick, signOpen, verifyClick } from '../../src/domain/tracking/tracking-tokens.js';
import { createHttpServer, type HttpRoute, type HttpServerHandle } from '../../src/http/http-server.js';
import type { Hit } from '../../src/domain/tracking/classify-hit.js';
import { PIXEL_GIF } from '../../src/http/routes/tracking.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const HTML = `<html><body><p>Hello {{ first_name }}</p>
<a href="https://shop.example.com/sale?x=1&amp;y=2">Sale</a> <a href="https://shop.example.com/new">New</a>
<a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>`;

interface HitRow {
  type: string;
  classification: string;
  reason: string | null;
  method: string;
  ip: string | null;
  user_agent: string | null;
  link_id: number | null;
}

describe.each(ENGINES)('tracking on %s: pixel, clicks, classification and metrics', (engine) => {
  let t: TestApp;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;
  let http: HttpServerHandle;
  let base: string;
  let mails: { to: string; html: string; text: string; unsubscribe: string }[] = [];

  const get = (url: string, init: RequestInit = {}) => fetch(url.startsWith('http') ? url : `${base}${url}`, { redirect: 'manual', ...init });
  const hits = async (messageId?: string): Promise<HitRow[]> =>
    t.db.prisma.$queryRawUnsafe<HitRow[]>(
      `SELECT type::text, classification::text, reason, method, ip, user_agent, link_id FROM tracking_event WHERE type <> 'unsubscribe' ${messageId ? `AND message_id = ${messageId}` : ''} ORDER BY id`,
    );
  const pixelOf = (html: string) => /<img src="([^"]+\/o\/[^"]+)"/.exec(html)![1]!;
  const clicksOf = (html: string) => [...html.matchAll(/<a href="([^"]+\/c\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const messageIdOf = (clickUrl: string) => verifyClick(t.app.signer, clickUrl.split('/c/')[1]!)!.messageId;
  const fig = (figures: Figure[], key: string) => figures.find((f) => f.key === key)!;

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
    t = await createTestApp(engine, { SEND_BATCH_SIZE: '50', EMAIL_RATE_PER_SECOND: '1000', TRACKING_FLUSH_MS: '10', SMS_PRICE_PER_SEGMENT: '+1=0.0079,*=0.05' }, { pacer: noPacing });
    // The app's providers are replaced after building: email through a real SMTP server, SMS to the outbox.
    t.app.delivery.providers.email = provider;
    t.app.delivery.providers.sms = new SmsOutboxProvider({ dir: t.dataDir, clock: t.clock });
    http = createHttpServer(t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    const { port } = await http.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    t.app.setPublicBaseUrl(base);
    await ok(t, `templates create Promo --channel email --subject "Hi" --text "Hi {{ first_name }}, see https://shop.example.com/new. Bye: {{ unsubscribe_url }}" --html '${HTML}' --from-email news@example.com`);
    await importContacts(t, 'Buyers', 'email,first_name', ['a@buy.example.com,A', 'b@buy.example.com,B', 'c@buy.example.com,C', 'd@buy.example.com,D']);
    await ok(t, 'new --name Promo --channel email --template Promo --list Buyers');
    await ok(t, 'run C-1001');
    await t.app.worker.drain();
    for (const m of sink.mails.filter((x) => x.to.endsWith('@buy.example.com'))) {
      const parsed = await simpleParser(m.raw);
      mails.push({ to: m.to, html: String(parsed.html), text: parsed.text ?? '', unsubscribe: /^List-Unsubscribe: <([^>]+)>/m.exec(m.raw)![1]! });
    }
    mails = mails.sort((a, b) => a.to.localeCompare(b.to));
  });
  afterAll(async () => {
    await http.close();
    await t.close();
    await provider.close();
    await sink.close();
  });

  it('rewrites every link but the unsubscribe one, in HTML and text, and adds one pixel', () => {
    expect(mails).toHaveLength(4);
    const a = mails[0]!;
    expect(clicksOf(a.html)).toHaveLength(2);
    expect(a.html).not.toContain('shop.example.com');
    expect(a.html).toContain(`href="${a.unsubscribe}"`);
    expect(a.html.match(/\/o\//g)).toHaveLength(1);
    expect(a.text).not.toContain('shop.example.com');
    expect(a.text).toContain(`${base}/c/`);
    expect(a.text).toContain(a.unsubscribe);
    // The text's /new is the HTML's /new: one stored link per destination and campaign.
    const textClick = /(http:\/\/127\.0\.0\.1:\d+\/c\/[\w-]+\.[\w-]+)/.exec(a.text)![1]!;
    expect(verifyClick(t.app.signer, textClick.split('/c/')[1]!)).toMatchObject({ links: 2, pixel: true });
  });

  it('answers the pixel with a 1x1 GIF, no-cache headers, always 200 (unknown and tampered tokens too)', async () => {
    const pixel = pixelOf(mails[0]!.html);
    const token = pixel.split('/o/')[1]!;
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const url of [pixel, `${base}/o/${tampered}`, `${base}/o/nonsense`, `${base}/o/${signOpen(t.app.signer, '999999')}`]) {
      const res = await get(url, { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Thunderbird/128.0' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toMatch(/no-store/);
      expect(res.headers.get('cache-control')).toMatch(/no-cache/);
      expect(res.headers.get('pragma')).toBe('no-cache');
      expect(res.headers.get('expires')).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
      expect(Buffer.from(await res.arrayBuffer()).equals(PIXEL_GIF)).toBe(true);
    }
    expect(PIXEL_GIF.subarray(0, 6).toString('ascii')).toBe('GIF89a');
    await t.app.tracking.buffer.flush();
    // Only the genuine token is a hit; the signed token of a message that does not exist is dropped.
    const rows = await hits();
    expect(rows).toHaveLength(1);
    // The clock has not moved since delivery: inside the 60 s bot window.
    expect(rows[0]).toMatchObject({ type: 'open', classification: 'bot_window', reason: 'bot_window', method: 'GET', ip: '127.0.0.1' });
  });

  it('finds the pixel however its path is spelt, as the URL parser reads it; errors of other routes are 500s', async () => {
    const taken: Hit[] = [];
    const routes: HttpRoute[] = [
      { method: 'GET', path: '/boom/sync', handler: () => { throw new Error('sync'); } },
      { method: 'GET', path: '/boom/async', handler: async () => { throw new Error('async'); } },
    ];
    const edge = createHttpServer({ ...t.app.httpDeps(), tracking: { links: t.app.tracking.links, record: (hit) => taken.push(hit) } }, { publicBaseUrl: null, twilio: null, extraRoutes: routes });
    const { port } = await edge.listen(0, '127.0.0.1');
    // Node's client sends the path as written (fetch would resolve the dot segments itself).
    const raw = (path: string, method = 'GET') =>
      new Promise<{ status: number; body: Buffer; length: string | undefined }>((resolve, reject) => {
        const req = nodeHttp.request({ host: '127.0.0.1', port, path, method }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), length: res.headers['content-length'] }));
        });
        req.on('error', reject).end();
      });
    try {
      const token = signOpen(t.app.signer, '424242');
      const escaped = `%${token.charCodeAt(0).toString(16)}${token.slice(1)}`;
      for (const path of [`/o/${token}`, `/o/${token}?utm_source=x`, `/x/../o/${token}`, `/./o/${token}`, `/o/${escaped}`]) {
        const res = await raw(path);
        expect([path, res.status, res.length, res.body.equals(PIXEL_GIF)]).toEqual([path, 200, String(PIXEL_GIF.length), true]);
      }
      const head = await raw(`/o/${token}`, 'HEAD');
      expect([head.status, head.body.length]).toEqual([200, 0]);
      expect(taken.map((h) => [h.kind, h.messageId, h.method])).toEqual([...Array(5).fill(['open', '424242', 'GET']), ['open', '424242', 'HEAD']]);
      for (const path of [`//o/${token}`, `/o/${token}/`, '/o/%ZZ', `/O/${token}`]) expect([path, (await raw(path)).status]).toEqual([path, 404]);
      expect(taken).toHaveLength(6);
      expect((await raw(`/o/${token}`, 'POST')).status).toBe(405);
      expect((await raw('/boom/sync')).status).toBe(500);
      expect((await raw('/boom/async')).status).toBe(500);
    } finally {
      await edge.close();
    }
  });

  it('redirects only to the stored link; tampered, foreign and unknown tokens get 404 and no redirect', async () => {
    t.clock.advance(61_000);
    const [sale, fresh] = clicksOf(mails[1]!.html);
    const res = await get(`${sale}?url=https://evil.example.com/`, { headers: { 'user-agent': 'Mozilla/5.0 Firefox/133.0' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example.com/sale?x=1&y=2');
    expect(res.headers.get('cache-control')).toMatch(/no-store/);
    // Written before the next click, so each is judged with what came before it (see the next test).
    await t.app.tracking.buffer.flush();
    expect((await get(fresh!)).headers.get('location')).toBe('https://shop.example.com/new');

    const token = sale!.split('/c/')[1]!;
    const [payload, mac] = token.split('.') as [string, string];
    const foreign = new HmacTokenSigner('another-herald-secret-0123456789');
    const real = verifyClick(t.app.signer, token)!;
    const refused = [
      `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, // MAC changed
      `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${mac}`, // payload changed
      `${payload}.${mac}=`, // not the canonical spelling
      signClick(foreign, real), // signed by someone else
      signClick(t.app.signer, { ...real, linkId: 987_654 }), // a link that was never stored
      signClick(t.app.signer, { ...real, messageId: '987654' }), // a message that does not exist
      signOpen(t.app.signer, real.messageId), // an open token is not a click token
      t.app.signer.sign('unsubscribe', real.messageId),
      encodeURIComponent('https://evil.example.com/'),
    ];
    for (const bad of refused) {
      const r = await get(`/c/${bad}?to=https://evil.example.com/`);
      expect(r.status, bad).toBe(404);
      expect(r.headers.get('location'), bad).toBeNull();
    }
  });

  it('a link of another campaign, signed for this message, is refused', async () => {
    await ok(t, `templates create Other --channel email --subject "O" --text "https://other.example.com/x" --from-email news@example.com`);
    await importContacts(t, 'Others', 'email', ['o@other.example.com']);
    await ok(t, 'new --name Other --channel email --template Other --list Others');
    await ok(t, 'run C-1002');
    await t.app.worker.drain();
    const [other] = await t.db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM link WHERE campaign_id = 1002`;
    const mine = verifyClick(t.app.signer, clicksOf(mails[1]!.html)[0]!.split('/c/')[1]!)!;
    const r = await get(`/c/${signClick(t.app.signer, { ...mine, linkId: other!.id })}`);
    expect(r.status).toBe(404);
  });

  it('keeps every hit raw with its class and reason, and the metrics count human hits only', async () => {
    await t.app.tracking.buffer.flush();
    const b = messageIdOf(clicksOf(mails[1]!.html)[0]!);
    // b's two clicks came 61 s after delivery, before any open (a link scanner's doing), and the
    // second made it every link of the message within seconds.
    expect((await hits(b)).map((h) => [h.type, h.classification, h.reason])).toEqual([
      ['click', 'scanner', 'scanner_click_before_open'],
      ['click', 'scanner', 'scanner_all_links'],
    ]);
    // c: a person opens at +120 s and clicks one link at +130 s; Apple's proxy fetched the pixel too.
    t.clock.advance(59_000);
    const c = mails[2]!;
    await get(pixelOf(c.html), { headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15' } });
    await get(pixelOf(c.html), { headers: { 'user-agent': 'Mozilla/5.0' } });
    await t.app.tracking.buffer.flush();
    t.clock.advance(10_000);
    await get(clicksOf(c.html)[0]!, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile Safari' } });
    await get(clicksOf(c.html)[0]!, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile Safari' } });
    // d: opened, then a scanner agent and a HEAD.
    const d = mails[3]!;
    await get(pixelOf(d.html), { headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.1 Safari' } });
    await get(clicksOf(d.html)[1]!, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Mimecast URL Protect)' } });
    await get(clicksOf(d.html)[1]!, { method: 'HEAD' });
    await t.app.tracking.buffer.flush();
    const cId = messageIdOf(clicksOf(c.html)[0]!);
    expect((await hits(cId)).map((h) => [h.type, h.classification, h.reason])).toEqual([
      ['open', 'human', null],
      ['open', 'privacy_proxy', 'privacy_proxy'],
      ['click', 'human', null],
      ['click', 'human', null],
    ]);
    const dId = messageIdOf(clicksOf(d.html)[0]!);
    expect((await hits(dId)).map((h) => [h.type, h.classification, h.reason, h.method])).toEqual([
      ['open', 'human', null, 'GET'],
      ['click', 'scanner', 'scanner_agent', 'GET'],
      ['click', 'scanner', 'scanner_head', 'HEAD'],
    ]);

    // By hand: 4 delivered; human opens: c once, d once -> 2 unique, 2 total; human clicks: c twice
    // on one link -> 1 unique, 2 total; machine opens: 1 (Apple); filtered clicks: 2 (b) + 2 (d).
    const m = await campaignMetrics(t.app.metricsDeps, 1001);
    const f = m.campaign.figures;
    expect(fig(f, 'delivered')).toMatchObject({ numerator: 4, denominator: 4, value: 1 });
    expect(fig(f, 'open_rate')).toMatchObject({ numerator: 2, denominator: 4, value: 0.5 });
    expect(fig(f, 'click_through_rate')).toMatchObject({ numerator: 1, denominator: 4, value: 0.25 });
    expect(fig(f, 'click_to_open_rate')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
    expect(fig(f, 'total_opens').value).toBe(2);
    expect(fig(f, 'total_clicks').value).toBe(2);
    expect(fig(f, 'machine_opens').value).toBe(1);
    expect(fig(f, 'filtered_clicks').value).toBe(4);
    expect(Object.fromEntries(m.campaign.filtered.map((r) => [r.rule, [r.opens, r.clicks]]))).toEqual({
      scanner_head: [0, 1],
      scanner_agent: [0, 1],
      privacy_proxy: [1, 0],
      bot_window: [1, 0],
      scanner_all_links: [0, 1],
      scanner_click_before_open: [0, 1],
    });
    expect(m.campaign.statusCounts).toEqual({ delivered: 4 });
    expect(m.runs[0]!.statusCounts).toEqual({ delivered: 4 });
    const [clickMap] = await t.db.prisma.$queryRaw<{ total: number; unique: number }[]>`
      SELECT total::int, "unique"::int FROM link_click_count c JOIN link l ON l.id = c.link_id WHERE l.campaign_id = 1001 AND l.url = 'https://shop.example.com/sale?x=1&y=2'`;
    expect(clickMap).toEqual({ total: 2, unique: 1 });

    // The same figures in /campaign stats: the progress panel, then each figure with how it is computed.
    const stats = await t.run('stats C-1001');
    expect(stats.ok).toBe(true);
    expect(stats.text).toMatch(/Delivered:?\s+4/);
    expect(stats.text).toContain('unique human opens ÷ delivered = 2 ÷ 4');
    expect(stats.text).toMatch(/Open rate\s+\|?\s*50\.0 %/);
    expect(stats.text).toContain('unique human clicks ÷ unique human opens = 1 ÷ 2');
    expect(stats.text).toMatch(/scanner_click_before_open — .*: 0 opens, 1 clicks/);
    expect(stats.text).not.toMatch(/may be incomplete/);
    // The card's headline figures, read from the count tables, with the same definitions.
    const card = await t.run('show C-1001');
    expect(card.text).toMatch(/Delivered:?\s+100\.0 % \(4 ÷ 4\)/);
    expect(card.text).toMatch(/Open rate:?\s+50\.0 % \(2 ÷ 4\)/);
    expect(card.text).toMatch(/Click-through rate:?\s+25\.0 % \(1 ÷ 4\)/);
    expect(card.text).toContain('open rate = unique human opens ÷ delivered');
    const run1 = await t.run('stats C-1001 --run 1');
    expect(run1.text).toContain('run 1');
    const missing = await t.run('stats C-1001 --run 9');
    expect(missing).toMatchObject({ ok: false });
    expect(missing.text).toContain('C-1001 has no run 9 (its runs: 1)');

    // An unsubscribe through the real link counts in the unsubscribe rate.
    expect((await get(mails[0]!.unsubscribe, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect(fig((await campaignMetrics(t.app.metricsDeps, 1001)).campaign.figures, 'unsubscribe_rate')).toMatchObject({ numerator: 1, denominator: 4 });
  });

  it('keeps the /24 only with TRACKING_ANONYMIZE_IP (classification still saw the full address)', async () => {
    const anonymous = await createTestApp(engine, { TRACKING_ANONYMIZE_IP: 'true', TRACKING_FLUSH_MS: '10' });
    try {
      const [campaign] = await anonymous.db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ('x', 'email', 'sending', 't', now()) RETURNING id`);
      const [run] = await anonymous.db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'sending', now()) RETURNING id`, campaign!.id);
      const [contact] = await anonymous.db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO contact (email) VALUES ('z@example.com') RETURNING id`);
      const [message] = await anonymous.db.prisma.$queryRawUnsafe<{ id: bigint }[]>(
        `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, status) VALUES ($1, $2, $3, 'email', 'z@example.com', 'delivered') RETURNING id`,
        run!.id, campaign!.id, contact!.id,
      );
      anonymous.app.tracking.buffer.add({ kind: 'open', at: anonymous.clock.now(), method: 'GET', userAgent: 'x', ip: '203.0.113.77', messageId: String(message!.id), linkId: null, linksInMessage: null, hasPixel: true });
      anonymous.app.tracking.buffer.add({ kind: 'open', at: anonymous.clock.now(), method: 'GET', userAgent: 'x', ip: '2001:db8:85a3:1:2:3:4:5', messageId: String(message!.id), linkId: null, linksInMessage: null, hasPixel: true });
      await anonymous.app.tracking.buffer.flush();
      const rows = await anonymous.db.prisma.$queryRaw<{ ip: string }[]>`SELECT ip FROM tracking_event ORDER BY id`;
      expect(rows.map((r) => r.ip)).toEqual(['203.0.113.0/24', '2001:db8:85a3::/48']);
    } finally {
      await anonymous.close();
    }
  });

  it('sends links as written and no pixel with --tracking off', async () => {
    await importContacts(t, 'Quiet', 'email,first_name', ['q@quiet.example.com,Q']);
    await ok(t, 'new --name Quiet --channel email --template Promo --list Quiet --tracking off');
    expect(await ok(t, 'show C-1003')).toMatch(/Tracking:\s+off/);
    await ok(t, 'run C-1003');
    await t.app.worker.drain();
    const mail = await simpleParser(sink.mails.find((m) => m.to === 'q@quiet.example.com')!.raw);
    expect(String(mail.html)).toContain('href="https://shop.example.com/sale?x=1&amp;y=2"');
    expect(String(mail.html)).not.toContain('/o/');
    expect(mail.text).toContain('https://shop.example.com/new');
  });

  it('rewrites SMS links to short tracked links on Herald’s own host, and prices segments by prefix', async () => {
    await ok(t, 'templates create Txt --channel sms --text "Sale today: https://shop.example.com/sms-sale?utm=sms" --sms-sender HeraldShop');
    await importContacts(t, 'Phones', 'phone', ['+14155550100', '+447700900123']);
    await ok(t, 'new --name Texts --channel sms --template Txt --list Phones');
    await ok(t, 'run C-1004');
    await t.app.worker.drain();
    const lines = fs.readFileSync(path.join(t.dataDir, SMS_OUTBOX_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string; text: string });
    expect(lines).toHaveLength(2);
    for (const sms of lines) {
      expect(sms.text).not.toContain('shop.example.com');
      const url = /(http:\/\/127\.0\.0\.1:\d+\/c\/\S+)/.exec(sms.text)![1]!;
      expect(url.length).toBeLessThan(base.length + 50);
      expect(verifyClick(t.app.signer, url.split('/c/')[1]!)).toMatchObject({ links: 1, pixel: false });
      expect((await get(url)).headers.get('location')).toBe('https://shop.example.com/sms-sale?utm=sms');
    }
    // 1 segment each: +1 at 0.0079, +44 at the fallback 0.05 -> 0.0579.
    const m = await campaignMetrics(t.app.metricsDeps, 1004);
    expect(fig(m.campaign.figures, 'sms_segments').value).toBe(2);
    expect(fig(m.campaign.figures, 'sms_cost')).toMatchObject({ value: 57_900, denominator: 2 });
  });
});
