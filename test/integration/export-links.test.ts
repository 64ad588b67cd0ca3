import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { createHttpServer, type HttpServerHandle } from '../../src/http/http-server.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { deliveryTick } from '../../src/domain/delivery/delivery-tick.js';
import { campaignStatus, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const HTML = `<html><body><p>Hello {{ first_name }}</p>
<a href="https://shop.example.com/sale">Sale</a> <a href="https://shop.example.com/new">New</a>
<a href="{{ unsubscribe_url }}">Unsubscribe</a></body></html>`;

type Row = Record<string, string>;

describe.each(ENGINES)('export and click map on %s', (engine) => {
  let t: TestApp;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;
  let http: HttpServerHandle;
  let base: string;
  const html = new Map<string, string>();

  const get = (url: string, ua = 'Mozilla/5.0 (Windows NT 10.0) Firefox/133.0') => fetch(url, { redirect: 'manual', headers: { 'user-agent': ua } });
  const pixelOf = (h: string) => /<img src="([^"]+\/o\/[^"]+)"/.exec(h)![1]!;
  const clicksOf = (h: string) => [...h.matchAll(/<a href="([^"]+\/c\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const exportPath = (text: string) => /to (\S+\.csv)/.exec(text)![1]!;
  const readCsv = (file: string): Row[] => parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Row[];

  beforeAll(async () => {
    sink = await startSmtpSink();
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 2, dkim: null });
    t = await createTestApp(engine, { SEND_BATCH_SIZE: '2', EMAIL_RATE_PER_SECOND: '1000', TRACKING_FLUSH_MS: '10' }, { pacer: noPacing });
    t.app.delivery.providers.email = provider;
    http = createHttpServer(t.app.httpDeps(), { publicBaseUrl: null, twilio: null });
    const { port } = await http.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    t.app.setPublicBaseUrl(base);
    await ok(t, `templates create Promo --channel email --subject "Hi" --text "Hi {{ first_name }}: {{ unsubscribe_url }}" --html '${HTML}' --from-email news@example.com`);
    // Custom fields a spreadsheet would run as formulas: stored as given, neutralised in the export.
    await importContacts(t, 'Buyers', 'email,first_name,company', [
      'a@buy.example.com,A,"=HYPERLINK(""http://evil.example.com"")"',
      'b@buy.example.com,B,+cmd',
      'c@buy.example.com,C,@SUM(1)',
      'd@buy.example.com,D,-2+3',
    ]);
    await ok(t, 'new --name Promo --channel email --template Promo --list Buyers');
    await ok(t, 'run C-1001');
    await t.app.worker.drain();
    for (const m of sink.mails) html.set(m.to, String((await simpleParser(m.raw)).html));
    // a@: one human open, then two human clicks on the sale link; b@: one human click on /new after an open.
    t.clock.advance(120_000);
    await get(pixelOf(html.get('a@buy.example.com')!));
    await get(pixelOf(html.get('b@buy.example.com')!));
    await t.app.tracking.buffer.flush();
    t.clock.advance(30_000);
    const [saleA] = clicksOf(html.get('a@buy.example.com')!);
    expect((await get(saleA!)).status).toBe(302);
    t.clock.advance(30_000);
    expect((await get(saleA!)).status).toBe(302);
    expect((await get(clicksOf(html.get('b@buy.example.com')!)[1]!)).status).toBe(302);
    // A scanner's HEAD is kept but not counted.
    await fetch(saleA!, { method: 'HEAD', redirect: 'manual' });
    await t.app.tracking.buffer.flush();
  });
  afterAll(async () => {
    await http.close();
    await t.close();
    await provider.close();
    await sink.close();
  });

  it('exports every message as CSV in the exports folder, with custom fields, times and human counts, formulas neutralised', async () => {
    const text = await ok(t, 'export C-1001');
    expect(text).toContain('Exported 4 messages of C-1001');
    const file = exportPath(text);
    expect(path.dirname(file)).toBe(path.join(t.dataDir, 'exports'));
    const rows = readCsv(file);
    expect(Object.keys(rows[0]!)).toEqual([
      'message_id', 'run', 'channel', 'recipient', 'status', 'failure_category', 'failure_reason', 'variant', 'attempts',
      'queued_at', 'sent_at', 'delivered_at', 'updated_at', 'company', 'first_name', 'human_opens', 'human_clicks',
    ]);
    const by = Object.fromEntries(rows.map((r) => [r.recipient!, r]));
    expect(Object.keys(by).sort()).toEqual(['a@buy.example.com', 'b@buy.example.com', 'c@buy.example.com', 'd@buy.example.com']);
    expect(by['a@buy.example.com']).toMatchObject({ status: 'delivered', run: '1', channel: 'email', first_name: 'A', human_opens: '1', human_clicks: '2', queued_at: '2026-11-22T10:00:00.000Z' });
    expect(by['b@buy.example.com']).toMatchObject({ human_opens: '1', human_clicks: '1' });
    expect(by['c@buy.example.com']).toMatchObject({ human_opens: '0', human_clicks: '0' });
    expect(by['a@buy.example.com']!.sent_at).toMatch(/^2026-11-22T10:00:00\.000Z$/);
    // Formula-leading cells start with an apostrophe; a plain negative number would not.
    expect(by['a@buy.example.com']!.company).toBe(`'=HYPERLINK("http://evil.example.com")`);
    expect(by['b@buy.example.com']!.company).toBe(`'+cmd`);
    expect(by['c@buy.example.com']!.company).toBe(`'@SUM(1)`);
    expect(by['d@buy.example.com']!.company).toBe(`'-2+3`);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('exports only what the filters match', async () => {
    const text = await ok(t, 'export C-1001 --search B@BUY --status delivered');
    expect(text).toContain('Exported 1 message of C-1001 Promo (status delivered, matching "B@BUY")');
    expect(readCsv(exportPath(text)).map((r) => r.recipient)).toEqual(['b@buy.example.com']);
    const none = await ok(t, 'export C-1001 --reason hard_bounce');
    expect(none).toContain('Exported 0 messages');
    // An empty export still has its header line.
    expect(fs.readFileSync(exportPath(none), 'utf8').split('\n')[0]).toMatch(/^message_id,run,channel,recipient,/);
    expect((await t.run('export C-4242')).text).toContain('C-4242 does not exist');
  });

  it('exports while a campaign is sending: the rows of that moment', async () => {
    await importContacts(t, 'Many', 'email,first_name', Array.from({ length: 7 }, (_, i) => `m${i}@many.example.com,M${i}`));
    await ok(t, 'new --name Many --channel email --template Promo --list Many');
    await ok(t, 'run C-1002');
    await deliveryTick(t.app.delivery); // the run starts sending
    await t.app.worker.runOnce(); // one batch of 2 sent, 5 still queued
    expect(await campaignStatus(t, 1002)).toBe('sending');
    const text = await ok(t, 'export C-1002');
    expect(text).toContain('Exported 7 messages');
    const rows = readCsv(exportPath(text));
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    expect(count('delivered')).toBe(2);
    expect(count('queued')).toBe(5);
    expect(rows.filter((r) => r.status === 'queued').every((r) => r.sent_at === '')).toBe(true);
    // An export streaming while the worker sends completes with every message, each in one state.
    const db = t.app.messageExport;
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const done = db.write({ campaignId: 1002 }, out);
    await t.app.worker.drain();
    const { rows: n } = await done;
    expect(n).toBe(7);
    const after = readCsv(exportPath(await ok(t, 'export C-1002')));
    expect(after.every((r) => r.status === 'delivered')).toBe(true);
    expect(parse(Buffer.concat(chunks).toString('utf8'), { columns: true })).toHaveLength(7);
  });

  it("writes rows in message order and times as ISO 8601 UTC with milliseconds, as the server's to_char gives them", async () => {
    // Fractional milliseconds the server prints shortened (.5, .05), a full .123 and a missing time.
    await t.db.prisma.$executeRawUnsafe(
      `UPDATE message SET created_at = '2026-11-22 09:59:59.5', sent_at = CASE WHEN id % 2 = 0 THEN timestamp '2026-11-22 10:00:00.05' END,
              delivered_at = '2026-11-22 10:00:01.123', updated_at = '2026-11-22 10:00:02' WHERE campaign_id = 1002`,
    );
    const rows = readCsv(exportPath(await ok(t, 'export C-1002')));
    const TIME = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
    const expected = await t.db.prisma.$queryRawUnsafe<Record<string, string | null>[]>(
      `SELECT id::text AS message_id, to_char(created_at, ${TIME}) AS queued_at, to_char(sent_at, ${TIME}) AS sent_at,
              to_char(delivered_at, ${TIME}) AS delivered_at, to_char(updated_at, ${TIME}) AS updated_at
       FROM message WHERE campaign_id = 1002 ORDER BY id`,
    );
    expect(rows).toHaveLength(7);
    expect(rows.map((r) => ({ message_id: r.message_id, queued_at: r.queued_at, sent_at: r.sent_at, delivered_at: r.delivered_at, updated_at: r.updated_at }))).toEqual(
      expected.map((e) => ({ ...e, sent_at: e.sent_at ?? '' })),
    );
    expect(rows[0]).toMatchObject({ queued_at: '2026-11-22T09:59:59.500Z', delivered_at: '2026-11-22T10:00:01.123Z', updated_at: '2026-11-22T10:00:02.000Z' });
    expect(rows.map((r) => r.sent_at).sort()).toContain('2026-11-22T10:00:00.050Z');
  });

  it('lists the click map with unique and total human clicks per link', async () => {
    const text = await ok(t, 'links C-1001');
    const links = await t.db.prisma.$queryRaw<{ id: number; url: string }[]>`SELECT id, url FROM link WHERE campaign_id = 1001 ORDER BY id`;
    const sale = links.find((l) => l.url === 'https://shop.example.com/sale')!;
    const fresh = links.find((l) => l.url === 'https://shop.example.com/new')!;
    // By hand: sale clicked twice by a@ (1 unique, 2 total; the HEAD is a scanner's), new once by b@.
    expect(text).toMatch(new RegExp(`L-${sale.id}\\s*\\|?\\s*https://shop\\.example\\.com/sale\\s*\\|?\\s*1\\s*\\|?\\s*2`));
    expect(text).toMatch(new RegExp(`L-${fresh.id}\\s*\\|?\\s*https://shop\\.example\\.com/new\\s*\\|?\\s*1\\s*\\|?\\s*1`));
    expect(await ok(t, 'links C-1002')).toContain('L-');
  });

  it('edits a link after sending: the next click of an already-sent message goes to the new URL, logged with old and new', async () => {
    const [sale] = await t.db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM link WHERE campaign_id = 1001 AND original_url = 'https://shop.example.com/sale'`;
    const text = await ok(t, `links C-1001 edit L-${sale!.id} --url https://shop.example.com/spring`);
    expect(text).toContain(`L-${sale!.id} of C-1001 now goes to https://shop.example.com/spring (was https://shop.example.com/sale)`);
    const res = await get(clicksOf(html.get('c@buy.example.com')!)[0]!);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example.com/spring');
    const activity = await ok(t, 'activity C-1001');
    expect(activity).toContain('link edited');
    expect(activity).toContain('old=https://shop.example.com/sale');
    expect(activity).toContain('new=https://shop.example.com/spring');
    expect(await ok(t, 'links C-1001')).toContain('https://shop.example.com/spring (was https://shop.example.com/sale, edited by alice)');
  });

  it('with --if-url, edits only a link that still goes there: two edits from one view never overwrite each other unseen', async () => {
    const [fresh] = await t.db.prisma.$queryRaw<{ id: number; url: string }[]>`SELECT id, url FROM link WHERE campaign_id = 1001 AND original_url = 'https://shop.example.com/new'`;
    const seen = fresh!.url;
    // Two people opened the same view; the first edit lands, the second is refused naming what it goes to now.
    expect(await ok(t, `links C-1001 edit L-${fresh!.id} --url https://shop.example.com/first --if-url ${seen}`)).toContain('now goes to https://shop.example.com/first');
    const second = await t.run(`links C-1001 edit L-${fresh!.id} --url https://shop.example.com/second --if-url ${seen}`);
    expect(second.ok).toBe(false);
    expect(second.text).toContain(`L-${fresh!.id} of C-1001 goes to "https://shop.example.com/first" now, not to "${seen}"`);
    const [after] = await t.db.prisma.$queryRaw<{ url: string }[]>`SELECT url FROM link WHERE id = ${fresh!.id}`;
    expect(after!.url).toBe('https://shop.example.com/first');
    const edits = await t.db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM activity WHERE campaign_id = 1001 AND action = 'link edited' AND detail->>'new' = 'https://shop.example.com/second'`;
    expect(edits[0]!.n).toBe(0);
  });

  it('refuses non-http URLs, unknown links and links of another campaign, changing nothing', async () => {
    const [sale] = await t.db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM link WHERE campaign_id = 1001 AND original_url = 'https://shop.example.com/sale'`;
    const [other] = await t.db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM link WHERE campaign_id = 1002 ORDER BY id LIMIT 1`;
    const bad = await t.run(`links C-1001 edit L-${sale!.id} --url javascript:alert(1)`);
    expect(bad.ok).toBe(false);
    expect(bad.text).toContain('must be an http or https URL');
    const foreign = await t.run(`links C-1001 edit L-${other!.id} --url https://x.example.com/`);
    expect(foreign.ok).toBe(false);
    expect(foreign.text).toContain(`L-${other!.id} is a link of C-1002, not of C-1001`);
    const unknown = await t.run('links C-1001 edit L-99999 --url https://x.example.com/');
    expect(unknown.ok).toBe(false);
    expect(unknown.text).toContain('C-1001 has no link L-99999');
    const urls = await t.db.prisma.$queryRaw<{ url: string }[]>`SELECT url FROM link ORDER BY id`;
    expect(urls.map((u) => u.url)).not.toContain('https://x.example.com/');
  });
});
