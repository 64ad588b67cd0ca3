import { SMS_CHANNEL } from '../../src/domain/channels/channel-spec.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapTwilioStatus, TwilioSmsProvider } from '../../src/adapters/channels/twilio-sms-provider.js';
import { deliveryTick } from '../../src/domain/delivery/delivery-tick.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../src/domain/ports/channel-provider.js';
import { createHttpServer, type HttpServerHandle } from '../../src/http/http-server.js';
import { FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, postTwilioInboundSms, postTwilioStatusCallback, startFakeTwilioServer, type FakeTwilioServer } from '../fakes/twilio-server.js';
import { campaignStatus, createdId, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const PUBLIC = 'https://herald.example.com';
const SENDER = '+15005550006';
const SERVICE = `MG${'5'.repeat(32)}`;
const RECEIPT_TIMEOUT_MINUTES = 30;

const ENV = {
  TWILIO_ACCOUNT_SID: FAKE_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: FAKE_AUTH_TOKEN,
  TWILIO_FROM: SENDER,
  // The default 08:00-21:00 window: the clock stays in daytime except in the quiet-hours test.
  SMS_SEND_WINDOW: '08:00-21:00',
  SMS_SEGMENTS_PER_SECOND: '100',
  SMS_RECEIPT_TIMEOUT_MINUTES: String(RECEIPT_TIMEOUT_MINUTES),
  SEND_BATCH_SIZE: '10',
  // One request at a time, so scripted faults (failNext) answer the messages in claim order.
  SEND_CONCURRENCY: '1',
  RETRY_BASE_SECONDS: '60',
  MAX_SEND_ATTEMPTS: '3',
  ERROR_BUDGET_PERCENT: '50',
  ERROR_BUDGET_MIN_ATTEMPTS: '100',
};

interface Row {
  status: string;
  sid: string | null;
  leased: boolean;
  attempts: number;
  category: string | null;
  reason: string | null;
  next: string;
}

/** The real Twilio provider plus a hook run as soon as Twilio accepted a message, before the engine records it. */
class HookedSmsProvider implements ChannelProvider {
  readonly channel = 'sms' as const;
  readonly spec = SMS_CHANNEL;
  readonly name: string;
  afterAccepted: ((sid: string, to: string) => Promise<void>) | null = null;
  constructor(private readonly inner: TwilioSmsProvider) {
    this.name = inner.name;
  }
  async send(message: OutboundMessage): Promise<SendResult> {
    const result = await this.inner.send(message);
    if (result.outcome === 'sent' && result.providerMessageId && this.afterAccepted) await this.afterAccepted(result.providerMessageId, message.to);
    return result;
  }
  segments(text: string): number {
    return this.inner.segments(text);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe.each(ENGINES)('SMS delivery on %s', (engine) => {
  let t: TestApp;
  let fake: FakeTwilioServer;
  let provider: HookedSmsProvider;
  let edge: HttpServerHandle;
  let base: string;

  /** Message rows of one campaign by recipient (next_attempt_at as UTC text to the minute). */
  async function rows(id: number): Promise<Record<string, Row>> {
    const found = await t.db.prisma.$queryRaw<(Row & { recipient: string })[]>`
      SELECT recipient, status::text AS status, provider_message_id AS sid, (lease_until IS NOT NULL) AS leased, attempts,
             failure_category AS category, failure_reason AS reason, to_char(next_attempt_at, 'YYYY-MM-DD"T"HH24:MI') AS next
      FROM message WHERE campaign_id = ${id} ORDER BY id`;
    return Object.fromEntries(found.map(({ recipient, ...r }) => [recipient, r]));
  }
  const statusesOf = async (id: number) => Object.fromEntries(Object.entries(await rows(id)).map(([k, r]) => [k, r.status]));
  const sentTo = (to: string) => fake.requests.filter((r) => r.form.To === to);

  async function campaign(args: string): Promise<number> {
    const text = await ok(t, `new ${args}`);
    const id = createdId(text);
    if (!id) throw new Error(`no campaign id in: ${text}`);
    await ok(t, `run C-${id}`);
    return id;
  }

  /** Posts a signed receipt to the callback URL Twilio was given for that number, as Twilio does. */
  const status = (fields: Parameters<typeof postTwilioStatusCallback>[2]) => {
    const given = sentTo(String(fields.To)).at(-1)?.form.StatusCallback ?? `${PUBLIC}/webhooks/twilio/status`;
    const url = new URL(given);
    return postTwilioStatusCallback(`${base}${url.pathname}${url.search}`, FAKE_AUTH_TOKEN, fields, { signedUrl: given });
  };
  const inbound = (from: string, body: string) =>
    postTwilioInboundSms(`${base}/webhooks/twilio/inbound`, FAKE_AUTH_TOKEN, { From: from, Body: body }, { signedUrl: `${PUBLIC}/webhooks/twilio/inbound` });

  beforeAll(async () => {
    fake = await startFakeTwilioServer();
    provider = new HookedSmsProvider(new TwilioSmsProvider({ accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: fake.url, defaultSender: SENDER }));
    t = await createTestApp(engine, ENV, { providers: { sms: provider }, pacer: noPacing, random: () => 0.5 });
    t.app.setPublicBaseUrl(PUBLIC);
    edge = createHttpServer(
      t.app.httpDeps(),
      { publicBaseUrl: PUBLIC, twilio: { authToken: FAKE_AUTH_TOKEN, mapStatus: mapTwilioStatus } },
    );
    base = `http://127.0.0.1:${(await edge.listen(0, '127.0.0.1')).port}`;
    await ok(t, `templates create Alert --channel sms --text "Hi {{ first_name }}, sale today" --sms-sender ${SENDER}`);
  });
  afterAll(async () => {
    await edge?.close();
    await t?.close();
    await provider?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    provider.afterAccepted = null;
  });

  it('sends one Twilio request per recipient, awaits receipts, applies signed callbacks, then assumes delivery', async () => {
    const numbers = ['+14155550101', '+14155550102', '+14155550103', '+14155550104'];
    await importContacts(t, 'Happy', 'phone,first_name', numbers.map((n, i) => `${n},Ann${i + 1}`));
    const id = await campaign('--name Happy --channel sms --template Alert --list Happy --ttl 2h');
    expect(await campaignStatus(t, id)).toBe('queued');
    await t.app.worker.drain();

    expect(fake.requests).toHaveLength(4);
    for (const [i, n] of numbers.entries()) {
      const sent = sentTo(n);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ authorized: true, accountSid: FAKE_ACCOUNT_SID });
      expect(sent[0]!.form).toEqual({
        To: n,
        Body: `Hi Ann${i + 1}, sale today`,
        From: SENDER,
        ValidityPeriod: '7200',
        StatusCallback: expect.stringMatching(/^https:\/\/herald\.example\.com\/webhooks\/twilio\/status\?m=\d+$/),
      });
    }
    const before = await rows(id);
    for (const n of numbers) expect(before[n]).toMatchObject({ status: 'sending', sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), leased: false, attempts: 1 });
    expect(await campaignStatus(t, id)).toBe('completed');

    // Receipts through the real HTTP edge, signed for the public URL.
    t.clock.advance(60_000);
    expect((await status({ MessageSid: before[numbers[0]!]!.sid!, MessageStatus: 'sent', To: numbers[0] })).status).toBe(200);
    expect((await statusesOf(id))[numbers[0]!]).toBe('sending');
    expect((await status({ MessageSid: before[numbers[0]!]!.sid!, MessageStatus: 'delivered', To: numbers[0] })).status).toBe(200);
    expect((await status({ MessageSid: before[numbers[1]!]!.sid!, MessageStatus: 'undelivered', ErrorCode: '30007', To: numbers[1] })).status).toBe(200);
    const after = await rows(id);
    expect(after[numbers[0]!]).toMatchObject({ status: 'delivered', category: null });
    expect(after[numbers[1]!]).toMatchObject({ status: 'blocked', category: 'blocked', reason: 'undelivered 30007' });
    expect(after[numbers[2]!]!.status).toBe('sending');

    // Before the receipt timeout nothing is assumed; after it, the rest are.
    t.clock.advance((RECEIPT_TIMEOUT_MINUTES - 2) * 60_000);
    expect((await deliveryTick(t.app.delivery)).assumedDelivered).toBe(0);
    t.clock.advance(2 * 60_000);
    expect((await deliveryTick(t.app.delivery)).assumedDelivered).toBe(2);
    expect(await statusesOf(id)).toEqual({
      [numbers[0]!]: 'delivered',
      [numbers[1]!]: 'blocked',
      [numbers[2]!]: 'assumed_delivered',
      [numbers[3]!]: 'assumed_delivered',
    });

    // A late real receipt replaces the guess; nothing was sent again meanwhile.
    await status({ MessageSid: before[numbers[2]!]!.sid!, MessageStatus: 'delivered', To: numbers[2] });
    expect((await statusesOf(id))[numbers[2]!]).toBe('delivered');
    await t.app.worker.drain();
    expect(fake.requests).toHaveLength(4);
  });

  it('lists awaiting-receipt messages and sends through a messaging service', async () => {
    await ok(t, `templates create AlertMg --channel sms --text "Hello {{ first_name }}" --sms-sender ${SERVICE}`);
    await importContacts(t, 'Listed', 'phone,first_name', ['+14155550201,Bea', '+14155550202,Cy']);
    const id = await campaign('--name Listed --channel sms --template AlertMg --list Listed');
    await t.app.worker.drain();
    expect(sentTo('+14155550201')[0]!.form).toEqual({ To: '+14155550201', Body: 'Hello Bea', MessagingServiceSid: SERVICE, StatusCallback: expect.stringMatching(/^https:\/\/herald\.example\.com\/webhooks\/twilio\/status\?m=\d+$/) });

    const listed = await t.run(`messages C-${id} --status sending`);
    expect(listed.ok).toBe(true);
    expect(listed.text).toContain('+14155550201');
    expect(listed.text).toContain('+14155550202');
    expect(listed.text.match(/awaiting receipt/g)).toHaveLength(2);
  });

  it('retries a 429 after its Retry-After, suppresses 21610, and never resends after a 500 on create', async () => {
    // 429 with Retry-After 120 s: longer than the 60 s back-off, so it wins.
    await importContacts(t, 'Busy', 'phone,first_name', ['+14155550301,Dee']);
    fake.failNext({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: '120' });
    const busy = await campaign('--name Busy --channel sms --template Alert --list Busy');
    await t.app.worker.drain();
    expect((await rows(busy))['+14155550301']).toMatchObject({ status: 'retrying', category: 'rate_limited', leased: false });
    t.clock.advance(61_000);
    await t.app.worker.drain();
    expect((await statusesOf(busy))['+14155550301']).toBe('retrying');
    expect(sentTo('+14155550301')).toHaveLength(1);
    t.clock.advance(60_000);
    await t.app.worker.drain();
    expect((await rows(busy))['+14155550301']).toMatchObject({ status: 'sending', sid: expect.stringMatching(/^SM/), attempts: 2 });
    expect(sentTo('+14155550301')).toHaveLength(2);
    expect(await campaignStatus(t, busy)).toBe('completed');

    // 21610: the number unsubscribed at Twilio.
    await importContacts(t, 'Gone', 'phone,first_name', ['+14155550302,Eve']);
    fake.failNext({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const gone = await campaign('--name Gone --channel sms --template Alert --list Gone');
    await t.app.worker.drain();
    expect((await rows(gone))['+14155550302']).toMatchObject({ status: 'opted_out', category: 'opted_out' });
    expect(await t.app.stores.suppressions.find('+14155550302')).toMatchObject({ reason: 'provider_opt_out', source: 'twilio', contactId: expect.any(Number) });
    expect(await campaignStatus(t, gone)).toBe('completed');

    // 500 on create: Twilio may have sent it, so it is `unknown` and never sent again by itself.
    await importContacts(t, 'Vague', 'phone,first_name', ['+14155550303,Fay']);
    fake.failNext({ status: 500, code: 20500, message: 'Internal Server Error' });
    const vague = await campaign('--name Vague --channel sms --template Alert --list Vague');
    await t.app.worker.drain();
    expect((await rows(vague))['+14155550303']).toMatchObject({ status: 'unknown', category: 'ambiguous' });
    t.clock.advance(3_600_000);
    await t.app.worker.drain();
    await t.app.worker.drain();
    expect(sentTo('+14155550303')).toHaveLength(1);
    expect((await statusesOf(vague))['+14155550303']).toBe('unknown');
    expect(await campaignStatus(t, vague)).toBe('completed');
  });

  it('suspends the campaign on a Twilio auth error without spending attempts, and resumes once fixed', async () => {
    const numbers = ['+14155550401', '+14155550402', '+14155550403'];
    await importContacts(t, 'Auth', 'phone,first_name', numbers.map((n, i) => `${n},Gus${i}`));
    fake.failNext({ status: 401, code: 20003, message: 'Authenticate' });
    const id = await campaign('--name Auth --channel sms --template Alert --list Auth');
    await t.app.worker.drain();

    const suspended = await t.app.deps.campaigns.get(id);
    expect(suspended?.status).toBe('suspended');
    expect(suspended?.statusReason).toMatch(/twilio: HTTP 401 Twilio 20003/);
    expect(fake.requests).toHaveLength(1); // the rest of the batch was not tried
    const held = await rows(id);
    for (const n of numbers) expect(held[n]).toMatchObject({ status: 'queued', attempts: 0, leased: false, sid: null });

    await ok(t, `resume C-${id}`);
    await t.app.worker.drain();
    const sent = await rows(id);
    for (const n of numbers) expect(sent[n]).toMatchObject({ status: 'sending', attempts: 1, sid: expect.stringMatching(/^SM/) });
    expect(fake.requests.filter((r) => r.authorized)).toHaveLength(4);
    expect(sentTo(numbers[0]!)).toHaveLength(2);
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  it('honours an inbound STOP in the next campaign and START lifts it', async () => {
    const [stopper, stayer] = ['+14155550501', '+14155550502'];
    await importContacts(t, 'Optout', 'phone,first_name', [`${stopper},Hal`, `${stayer},Ivy`]);
    const first = await campaign('--name Optout1 --channel sms --template Alert --list Optout');
    await t.app.worker.drain();
    expect(await statusesOf(first)).toEqual({ [stopper]: 'sending', [stayer]: 'sending' });

    const stop = await inbound(stopper, ' Stop ');
    expect(stop.status).toBe(200);
    expect(await t.app.stores.suppressions.find(stopper)).toMatchObject({ reason: 'sms_stop', source: 'twilio-inbound', contactId: expect.any(Number) });

    const second = await campaign('--name Optout2 --channel sms --template Alert --list Optout');
    expect((await statusesOf(second))[stopper]).toBe('opted_out');
    await t.app.worker.drain();
    expect(await statusesOf(second)).toEqual({ [stopper]: 'opted_out', [stayer]: 'sending' });
    expect(sentTo(stopper)).toHaveLength(1);
    expect(sentTo(stayer)).toHaveLength(2);
    expect(await campaignStatus(t, second)).toBe('completed');

    expect((await inbound(stopper, 'START')).status).toBe(200);
    expect(await t.app.stores.suppressions.find(stopper)).toBeNull();
    const third = await campaign('--name Optout3 --channel sms --template Alert --list Optout');
    await t.app.worker.drain();
    expect(await statusesOf(third)).toEqual({ [stopper]: 'sending', [stayer]: 'sending' });
    expect(sentTo(stopper)).toHaveLength(2);
  });

  it('holds SMS in quiet hours in the recipient’s zone and sends them when the window opens', async () => {
    t.clock.set(new Date('2026-11-22T23:00:00Z')); // 23:00 UTC = 08:00 next day in Tokyo
    const [utc, none, tokyo] = ['+14155550601', '+14155550602', '+81345550603'];
    await importContacts(t, 'Quiet', 'phone,first_name,timezone', [`${utc},Jo,UTC`, `${none},Kit,`, `${tokyo},Lin,Asia/Tokyo`]);
    const id = await campaign('--name Quiet --channel sms --template Alert --list Quiet');
    await t.app.worker.drain();

    const night = await rows(id);
    expect(night[utc]).toMatchObject({ status: 'queued', next: '2026-11-23T08:00', attempts: 0, leased: false });
    expect(night[none]).toMatchObject({ status: 'queued', next: '2026-11-23T08:00', attempts: 0 }); // the account zone (UTC)
    expect(night[tokyo]).toMatchObject({ status: 'sending', attempts: 1 });
    expect(fake.requests.map((r) => r.form.To)).toEqual([tokyo]);
    expect(await campaignStatus(t, id)).toBe('sending');

    t.clock.set(new Date('2026-11-23T07:59:00Z'));
    await t.app.worker.drain();
    expect(fake.requests).toHaveLength(1);

    t.clock.set(new Date('2026-11-23T08:00:00Z'));
    await t.app.worker.drain();
    const morning = await rows(id);
    expect(morning[utc]).toMatchObject({ status: 'sending', attempts: 1 });
    expect(morning[none]).toMatchObject({ status: 'sending', attempts: 1 });
    expect(fake.requests.map((r) => r.form.To).sort()).toEqual([utc, none, tokyo].sort());
    expect(await campaignStatus(t, id)).toBe('completed');
  });

  // A STOP that arrives while a message waits (quiet hours, back-off) stops it: the claim re-reads the list.
  it('does not send a held message to a number that replied STOP while it waited', async () => {
    t.clock.set(new Date('2026-11-23T09:00:00Z')); // 01:00 in Los Angeles: held until 16:00 UTC
    const [held, day] = ['+14155550701', '+14155550702'];
    await importContacts(t, 'LateStop', 'phone,first_name,timezone', [`${held},May,America/Los_Angeles`, `${day},Ned,UTC`]);
    const id = await campaign('--name LateStop --channel sms --template Alert --list LateStop');
    await t.app.worker.drain();
    expect(await statusesOf(id)).toEqual({ [held]: 'queued', [day]: 'sending' });

    expect((await inbound(held, 'STOP')).status).toBe(200);
    expect(await t.app.stores.suppressions.find(held)).toMatchObject({ reason: 'sms_stop' });
    t.clock.set(new Date('2026-11-23T16:00:00Z'));
    await t.app.worker.drain();
    expect(sentTo(held)).toHaveLength(0);
    expect((await statusesOf(id))[held]).toBe('opted_out');
  });

  // A receipt posted before the engine wrote the SID still lands: the callback URL carries our id.
  it('keeps a status callback that arrives before the batch recorded the SID', async () => {
    t.clock.set(new Date('2026-11-23T17:00:00Z'));
    const [fast, other] = ['+14155550801', '+14155550802'];
    await importContacts(t, 'Race', 'phone,first_name', [`${fast},Ola`, `${other},Pat`]);
    const answers: number[] = [];
    provider.afterAccepted = async (sid, to) => {
      if (to === fast) answers.push((await status({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30007', To: to })).status);
    };
    const id = await campaign('--name Race --channel sms --template Alert --list Race');
    await t.app.worker.drain();
    provider.afterAccepted = null;
    expect(answers).toEqual([200]);
    t.clock.advance((RECEIPT_TIMEOUT_MINUTES + 1) * 60_000);
    await t.app.worker.drain();
    expect((await rows(id))[fast]).toMatchObject({ status: 'blocked', category: 'blocked', reason: 'undelivered 30007' });
  });
});
