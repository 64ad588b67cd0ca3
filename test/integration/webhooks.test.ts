import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapTwilioStatus } from '../../src/adapters/channels/twilio-sms-provider.js';
import { HmacTokenSigner } from '../../src/adapters/crypto/hmac-token-signer.js';
import { PrismaReceiptStore } from '../../src/adapters/db/receipt-store.js';
import { PrismaSuppressionStore } from '../../src/adapters/db/suppression-store.js';
import { PrismaUnsubscribeStore } from '../../src/adapters/db/unsubscribe-store.js';
import { createHttpServer, type HttpServerHandle } from '../../src/http/http-server.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { FAKE_AUTH_TOKEN, postTwilioInboundSms, postTwilioStatusCallback } from '../fakes/twilio-server.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

const PUBLIC = 'https://herald.example.com';
const T0 = new Date('2026-11-22T10:00:00.000Z');
const HELP = 'Herald Shop alerts. Reply STOP to opt out. Help: shop.example.com/sms';

interface MessageRow {
  status: string;
  failure_category: string | null;
  failure_reason: string | null;
  delivered_at: Date | null;
}

function sid(n: number): string {
  return `SM${n.toString(16).padStart(32, '0')}`;
}

describe.each(ENGINES)('HTTP edge: Twilio webhooks and unsubscribe on %s', (engine) => {
  let db: TestDatabase;
  let http: HttpServerHandle;
  let base: string;
  const clock = new FixedClock(T0);
  const signer = new HmacTokenSigner('webhook-test-secret-0123456789');
  const errors: Record<string, unknown>[] = [];
  /** Message ids by label. */
  const ids: Record<string, bigint> = {};
  let nextSms = 1;

  async function addMessage(label: string, opts: { channel: 'sms' | 'email'; recipient: string; status: string; providerId?: string }): Promise<void> {
    const column = opts.channel === 'sms' ? 'phone' : 'email';
    const [contact] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO contact (${column}) VALUES ($1) RETURNING id`, opts.recipient);
    const [campaign] = await db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM campaign WHERE channel = ${opts.channel}`;
    const [run] = await db.prisma.$queryRaw<{ id: number }[]>`SELECT id FROM run WHERE campaign_id = ${campaign!.id}`;
    const [message] = await db.prisma.$queryRaw<{ id: bigint }[]>`
      INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, status, provider_message_id)
      VALUES (${run!.id}, ${campaign!.id}, ${contact!.id}, ${opts.channel}, ${opts.recipient}, ${opts.status}::"MessageStatus", ${opts.providerId ?? null})
      RETURNING id`;
    ids[label] = message!.id;
  }

  async function smsMessage(label: string, status = 'sending'): Promise<{ sid: string; to: string }> {
    const n = nextSms++;
    const to = `+1415555${String(n).padStart(4, '0')}`;
    await addMessage(label, { channel: 'sms', recipient: to, status, providerId: sid(n) });
    return { sid: sid(n), to };
  }

  async function message(label: string): Promise<MessageRow> {
    const [row] = await db.prisma.$queryRaw<MessageRow[]>`
      SELECT status::text AS status, failure_category, failure_reason, delivered_at FROM message WHERE id = ${ids[label]!}`;
    return row!;
  }

  async function suppression(address: string): Promise<{ reason: string; source: string; contact_id: number | null; created_at: Date } | undefined> {
    const rows = await db.prisma.$queryRaw<{ reason: string; source: string; contact_id: number | null; created_at: Date }[]>`
      SELECT reason, source, contact_id, created_at FROM suppression WHERE address = ${address}`;
    return rows[0];
  }

  async function unsubscribeEvents(label: string): Promise<number> {
    const [row] = await db.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM tracking_event WHERE message_id = ${ids[label]!} AND type = 'unsubscribe'`;
    return row!.n;
  }

  const status = (fields: Parameters<typeof postTwilioStatusCallback>[2], options: Parameters<typeof postTwilioStatusCallback>[3] = {}) =>
    postTwilioStatusCallback(`${base}/webhooks/twilio/status`, FAKE_AUTH_TOKEN, fields, { signedUrl: `${PUBLIC}/webhooks/twilio/status`, ...options });
  const inbound = (fields: Parameters<typeof postTwilioInboundSms>[2], options: Parameters<typeof postTwilioInboundSms>[3] = {}) =>
    postTwilioInboundSms(`${base}/webhooks/twilio/inbound`, FAKE_AUTH_TOKEN, fields, { signedUrl: `${PUBLIC}/webhooks/twilio/inbound`, ...options });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    for (const channel of ['sms', 'email']) {
      const [campaign] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(
        `INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ($1, $2, 'sending', 'test', now()) RETURNING id`,
        `${channel} campaign`,
        channel,
      );
      await db.prisma.$executeRawUnsafe(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'sending', now())`, campaign!.id);
    }
    http = createHttpServer(
      {
        clock,
        receipts: new PrismaReceiptStore(db.prisma),
        suppressions: new PrismaSuppressionStore(db.prisma, clock),
        unsubscribes: new PrismaUnsubscribeStore(db.prisma),
        signer,
        health: { database: async () => void (await db.prisma.$queryRaw`SELECT 1`) },
        log: { info: () => {}, warn: () => {}, error: (_m, c) => void errors.push(c) },
      },
      {
        publicBaseUrl: PUBLIC,
        twilio: { authToken: FAKE_AUTH_TOKEN, mapStatus: mapTwilioStatus, helpText: HELP },
        maxBodyBytes: 64 * 1024,
        extraRoutes: [
          { method: 'POST', path: '/slack/events', handler: (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"mounted":true}') },
          { method: 'GET', path: '/boom', handler: () => { throw new Error('secret internals at /srv/herald'); } },
        ],
      },
    );
    const { port } = await http.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await http?.close();
    await db?.drop();
  });

  it('answers /healthz with the database check', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: { ok: true, ms: expect.any(Number) } } });
  });

  describe('Twilio status callbacks', () => {
    it('marks a message delivered', async () => {
      const m = await smsMessage('delivered');
      clock.set(new Date('2026-11-22T10:05:00.000Z'));
      const res = await status({ MessageSid: m.sid, MessageStatus: 'delivered', To: m.to });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/xml');
      expect(await message('delivered')).toEqual({ status: 'delivered', failure_category: null, failure_reason: null, delivered_at: new Date('2026-11-22T10:05:00.000Z') });
    });

    it('records undelivered 30007 as blocked with the raw reason', async () => {
      const m = await smsMessage('filtered');
      expect((await status({ MessageSid: m.sid, MessageStatus: 'undelivered', ErrorCode: '30007' })).status).toBe(200);
      expect(await message('filtered')).toMatchObject({ status: 'blocked', failure_category: 'blocked', failure_reason: 'undelivered 30007', delivered_at: null });
    });

    it('never moves a final status backwards (out of order, repeated)', async () => {
      const m = await smsMessage('ordered');
      await status({ MessageSid: m.sid, MessageStatus: 'delivered' });
      expect((await status({ MessageSid: m.sid, MessageStatus: 'sent' })).status).toBe(200);
      expect((await status({ MessageSid: m.sid, MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(200);
      await status({ MessageSid: m.sid, MessageStatus: 'delivered' });
      expect(await message('ordered')).toMatchObject({ status: 'delivered', failure_category: null });
    });

    it('lets a late real receipt replace assumed_delivered', async () => {
      const late = await smsMessage('late-delivered', 'assumed_delivered');
      const lateFail = await smsMessage('late-failed', 'assumed_delivered');
      await status({ MessageSid: late.sid, MessageStatus: 'delivered' });
      await status({ MessageSid: lateFail.sid, MessageStatus: 'failed', ErrorCode: '30036' });
      expect(await message('late-delivered')).toMatchObject({ status: 'delivered' });
      expect(await message('late-failed')).toMatchObject({ status: 'failed', failure_category: 'expired', failure_reason: 'failed 30036' });
    });

    it('records a provider opt-out (21610) on the suppression list', async () => {
      const m = await smsMessage('stopped');
      await status({ MessageSid: m.sid, MessageStatus: 'failed', ErrorCode: '21610' });
      expect(await message('stopped')).toMatchObject({ status: 'opted_out', failure_category: 'opted_out' });
      expect(await suppression(m.to)).toMatchObject({ reason: 'provider_opt_out', source: 'twilio', contact_id: expect.any(Number) });
    });

    it('answers 200 for an unknown SID and changes nothing', async () => {
      const m = await smsMessage('bystander');
      const res = await status({ MessageSid: sid(0xdead), MessageStatus: 'delivered' });
      expect(res.status).toBe(200);
      expect(await message('bystander')).toMatchObject({ status: 'sending' });
    });

    it('refuses bad, missing and wrong-URL signatures with 403 and changes nothing', async () => {
      const m = await smsMessage('forged');
      expect((await status({ MessageSid: m.sid, MessageStatus: 'delivered' }, { signature: 'bm90IGEgc2lnbmF0dXJl' })).status).toBe(403);
      expect((await status({ MessageSid: m.sid, MessageStatus: 'delivered' }, { signature: '' })).status).toBe(403);
      // Signed for the loopback URL, not the public one Twilio is configured with.
      expect((await status({ MessageSid: m.sid, MessageStatus: 'delivered' }, { signedUrl: `${base}/webhooks/twilio/status` })).status).toBe(403);
      expect(await message('forged')).toMatchObject({ status: 'sending' });
    });
  });

  describe('Twilio inbound SMS', () => {
    it('suppresses the sender on STOP before answering, and START removes it', async () => {
      const from = '+14155559001';
      const stop = await inbound({ From: from, Body: '  stop ' });
      expect(stop.status).toBe(200);
      expect(stop.headers.get('content-type')).toContain('text/xml');
      expect(await stop.text()).toContain('<Response/>');
      // At the injected clock's time, not the database server's.
      expect(await suppression(from)).toMatchObject({ reason: 'sms_stop', source: 'twilio-inbound', created_at: clock.now() });

      expect((await inbound({ From: from, Body: 'UNSUBSCRIBE' })).status).toBe(200);
      expect(await suppression(from)).toMatchObject({ reason: 'sms_stop' });

      const start = await inbound({ From: from, Body: 'Start' });
      expect(start.status).toBe(200);
      expect(await suppression(from)).toBeUndefined();
    });

    it('links the suppression to the contact who owns the number', async () => {
      const m = await smsMessage('contact-stop');
      await inbound({ From: m.to, Body: 'QUIT' });
      expect(await suppression(m.to)).toMatchObject({ contact_id: expect.any(Number) });
    });

    it('answers HELP with TwiML and ignores other messages', async () => {
      const help = await inbound({ From: '+14155559002', Body: 'help' });
      expect(help.status).toBe(200);
      expect(await help.text()).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${HELP}</Message></Response>`);
      const chat = await inbound({ From: '+14155559002', Body: 'please stop texting me' });
      expect(await chat.text()).toContain('<Response/>');
      expect(await suppression('+14155559002')).toBeUndefined();
    });

    it('refuses an unsigned inbound STOP with 403 and suppresses nothing', async () => {
      const res = await inbound({ From: '+14155559003', Body: 'STOP' }, { signature: '' });
      expect(res.status).toBe(403);
      expect(await suppression('+14155559003')).toBeUndefined();
    });
  });

  describe('unsubscribe', () => {
    const recipient = 'reader@example.com';

    beforeAll(async () => {
      await addMessage('email', { channel: 'email', recipient, status: 'delivered' });
    });

    it('GET shows a page with a button and does not unsubscribe', async () => {
      const token = signer.sign('unsubscribe', String(ids.email));
      const res = await fetch(`${base}/u/${token}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('<form method="post"><button type="submit"');
      expect(await suppression(recipient)).toBeUndefined();
      expect(await unsubscribeEvents('email')).toBe(0);
    });

    it('refuses tampered, foreign-purpose and unknown-message tokens with 404', async () => {
      const token = signer.sign('unsubscribe', String(ids.email));
      const tampered = `${Buffer.from(String(ids.email! + 1n)).toString('base64url')}.${token.split('.')[1]}`;
      const oneClick = (token: string) =>
        fetch(`${base}/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      for (const bad of [tampered, signer.sign('click', String(ids.email)), 'garbage', `${token}x`]) {
        expect((await fetch(`${base}/u/${bad}`)).status).toBe(404);
        expect((await oneClick(bad)).status).toBe(404);
      }
      // Signed by us but for a message that no longer exists (the page itself reads no data).
      expect((await oneClick(signer.sign('unsubscribe', '999999999'))).status).toBe(404);
      expect(await suppression(recipient)).toBeUndefined();
    });

    it('refuses a token whose last character was changed within its spare bits, and unsubscribes nobody', async () => {
      const token = signer.sign('unsubscribe', String(ids.email));
      const mac = token.split('.')[1]!;
      // The substitutions Node's lenient decoder reads as the very same MAC bytes (the final
      // character's unused low bits): the ones a verifier that only decodes would accept.
      const aliases = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_']
        .filter((c) => c !== token.at(-1))
        .map((c) => token.slice(0, -1) + c)
        .filter((t) => Buffer.from(t.split('.')[1]!, 'base64url').equals(Buffer.from(mac, 'base64url')));
      expect(aliases).toHaveLength(15);
      for (const bad of aliases.slice(0, 5)) {
        const res = await fetch(`${base}/u/${bad}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
        expect(res.status, bad).toBe(404);
        expect((await fetch(`${base}/u/${bad}`)).status).toBe(404);
      }
      expect(await suppression(recipient)).toBeUndefined();
      expect(await unsubscribeEvents('email')).toBe(0);
    });

    it('POST one-click unsubscribes with a 200 page, once', async () => {
      const token = signer.sign('unsubscribe', String(ids.email));
      const post = () =>
        fetch(`${base}/u/${token}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Gmail one-click' },
          body: 'List-Unsubscribe=One-Click',
        });
      const first = await post();
      expect(first.status).toBe(200);
      expect(first.headers.get('location')).toBeNull();
      expect(await first.text()).toContain('reader@example.com will not receive');
      expect(await suppression(recipient)).toMatchObject({ reason: 'unsubscribe', source: 'list-unsubscribe', contact_id: expect.any(Number) });
      expect(await unsubscribeEvents('email')).toBe(1);

      const again = await post();
      expect(again.status).toBe(200);
      const form = await fetch(`${base}/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'unsubscribe=1' });
      expect(form.status).toBe(200);
      expect(await unsubscribeEvents('email')).toBe(1);
    });
  });

  describe('router', () => {
    it('answers 404 for unknown paths and 405 for wrong methods', async () => {
      expect((await fetch(`${base}/nope`)).status).toBe(404);
      const wrong = await fetch(`${base}/webhooks/twilio/status`);
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('POST');
    });

    it('mounts extra routes first', async () => {
      const res = await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' });
      expect(await res.json()).toEqual({ mounted: true });
    });

    it('refuses bodies over the limit with 413', async () => {
      const res = await fetch(`${base}/webhooks/twilio/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Body=' + 'x'.repeat(70 * 1024) });
      expect(res.status).toBe(413);
    });

    it('answers 500 without leaking internals', async () => {
      const res = await fetch(`${base}/boom`);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('Internal Server Error');
      expect(JSON.stringify(errors)).toContain('secret internals');
    });
  });
});
