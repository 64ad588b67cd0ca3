/**
 * Delivery figures through the real engine (buildApp → runCampaign → worker.drain()):
 * - email_send_per_s_<engine>: SmtpEmailProvider (pool BENCH_SMTP_POOL, default 10) to a loopback
 *   SMTP sink in its own process, against raw pooled nodemailer to the same sink in the same run
 *   (same pool size and concurrency); email_send_ratio_<engine> goal >= 0.85.
 * - sms_pacing_error_pct / sms_pacing_max_window_ratio: the real TokenBucketPacer at
 *   BENCH_SMS_RATE segments/s (default 20) over ~BENCH_SMS_SECONDS (default 10), 1- and 2-segment
 *   messages, real TwilioSmsProvider against test/fakes/twilio-server.ts; arrival times recorded at the fake.
 * Sizes: BENCH_EMAIL (default 5,000), BENCH_SEND_BATCH (100), BENCH_SEND_CONCURRENCY (10).
 */
import { performance } from 'node:perf_hooks';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { loadConfig } from '../../src/config.js';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { TokenBucketPacer } from '../../src/adapters/pacing/token-bucket-pacer.js';
import { TwilioSmsProvider } from '../../src/adapters/channels/twilio-sms-provider.js';
import { runCampaign } from '../../src/domain/campaign/run-campaign.js';
import { createCampaign } from '../../src/domain/campaign/create-campaign.js';
import { createTemplate } from '../../src/domain/templates/manage-templates.js';
import { mapWithConcurrency } from '../../src/domain/delivery/map-with-concurrency.js';
import { buildApp } from '../../src/wiring.js';
import { startFakeTwilioServer, type RecordedTwilioRequest } from '../fakes/twilio-server.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { LedgerJournal } from '../../src/domain/delivery/ledger-journal.js';
import { contactsSql, envNumber, formatTimings, note, quietLog, timeMethods, type Emit } from './bench-util.js';
import { startSinkProcess } from '../fakes/smtp-sink-process.js';

const FROM = { name: 'News', address: 'news@example.com' };
const TEXT = (name: string, url: string) => `Hello ${name},\n\nOur winter sale starts today: 20% off everything.\n\nUnsubscribe: ${url}\n`;

/** Raw pooled nodemailer: the same message shape Herald sends, `concurrency` sends in flight. */
async function rawNodemailer(url: string, n: number, pool: number, concurrency: number, offset: number): Promise<number> {
  const transport = createTransport({ url, pool: true, maxConnections: pool, maxMessages: Infinity, logger: false, debug: false });
  const ids = Array.from({ length: n }, (_, i) => offset + i + 1);
  const t = performance.now();
  await mapWithConcurrency(ids, concurrency, async (i) => {
    const unsub = `https://herald.example.com/u/raw-${i}-0123456789abcdef0123456789abcdef`;
    const mail: SendMailOptions = {
      from: FROM,
      to: `raw${i}@bench.example.com`,
      subject: `Hi U${i}`,
      text: TEXT(`U${i}`, unsub),
      headers: { 'X-Herald-Campaign': 'C-1', 'X-Herald-Message-Id': String(i), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      list: { unsubscribe: { url: unsub } },
    };
    await transport.sendMail(mail);
  });
  const rate = n / ((performance.now() - t) / 1000);
  transport.close();
  return rate;
}

/**
 * `replyDelayMs` 0: the sink answers at once (loopback: Herald's own costs show in full).
 * `replyDelayMs` 10, suffix `_remote`: the sink answers MAIL FROM, RCPT TO and the message 10 ms
 * later each, as a mail server a 10 ms round trip away does: what Herald sends to in production.
 */
export async function emailSendBench(engine: Engine, emit: Emit, variant: { replyDelayMs: number; suffix: string } = { replyDelayMs: 0, suffix: '' }): Promise<void> {
  const n = variant.replyDelayMs > 0 ? Math.min(envNumber('BENCH_EMAIL', 5_000), 2_000) : envNumber('BENCH_EMAIL', 5_000);
  const pool = envNumber('BENCH_SMTP_POOL', 10);
  const batch = envNumber('BENCH_SEND_BATCH', 100);
  const concurrency = envNumber('BENCH_SEND_CONCURRENCY', 10);
  const sink = await startSinkProcess({ replyDelayMs: variant.replyDelayMs });
  const db = await createTestDatabase(engine);
  const provider = new SmtpEmailProvider({ url: sink.url, poolSize: pool, dkim: null });
  try {
    const env = { EMAIL_RATE_PER_SECOND: '100000', SEND_BATCH_SIZE: String(batch), SEND_CONCURRENCY: String(concurrency), SMTP_POOL_SIZE: String(pool) };
    const app = await buildApp(loadConfig(env), { database: db, providers: { email: provider }, log: quietLog });
    app.setPublicBaseUrl('https://herald.example.com');
    const deps = app.deps;
    await db.prisma.$executeRawUnsafe(contactsSql(n, 'mail.example.com'));
    const list = await deps.contacts.createList({ name: 'Mail', description: '', createdBy: 'bench' });
    await db.prisma.$executeRawUnsafe(`INSERT INTO list_member (list_id, contact_id) SELECT ${list.id}, id FROM contact`);
    await createTemplate(deps, {
      name: 'Mail',
      channel: 'email',
      subject: 'Hi {{ first_name }}',
      text: 'Hello {{ first_name }},\n\nOur winter sale starts today: 20% off everything.\n\nUnsubscribe: {{ unsubscribe_url }}\n',
      fromEmail: FROM.address,
      fromName: FROM.name,
      actor: 'bench',
    });
    const { campaign } = await createCampaign(deps, { name: 'Mail', channel: 'email', template: 'Mail', list: 'Mail', actor: 'bench' });

    const raw1 = await rawNodemailer(sink.url, n, pool, concurrency, 0);
    // Where the engine's time goes (BENCH_PROFILE=1): time spent in store calls, the provider and the pacer.
    const timings = new Map<string, { ms: number; calls: number }>();
    if (process.env.BENCH_PROFILE === '1') {
      app.delivery.delivery = timeMethods(app.delivery.delivery, 'store', timings);
      // The journal writes through the store it was built with: rebuild it on the timed one.
      app.delivery.journal = timeMethods(new LedgerJournal(app.delivery.delivery, app.deps.clock), 'journal', timings);
      app.delivery.providers.email = timeMethods(provider, 'smtp', timings);
      app.delivery.pacer = timeMethods(app.delivery.pacer, 'pacer', timings);
      app.delivery.campaign.templateEngine = timeMethods(app.delivery.campaign.templateEngine, 'liquid', timings);
    }
    const before = await sink.count();
    const t0 = performance.now();
    const outcome = await runCampaign(deps, { campaignId: campaign.id, actor: 'bench' });
    const t1 = performance.now();
    // Lanes overlap one batch's database writes with another's sends, as the running worker does.
    await app.worker.drain({ lanes: envNumber('BENCH_LANES', 3) });
    const t2 = performance.now();
    const received = (await sink.count()) - before;
    const delivered = Number(
      (await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM message WHERE campaign_id = ${campaign.id} AND status = 'delivered'`))[0]!.n,
    );
    if (outcome.run?.messages !== n || delivered !== n || received !== n) {
      throw new Error(`email bench: run ${outcome.run?.messages}, delivered ${delivered}, sink received ${received}, expected ${n}`);
    }
    const raw2 = await rawNodemailer(sink.url, n, pool, concurrency, n);
    const herald = n / ((t2 - t0) / 1000);
    const baseline = (raw1 + raw2) / 2;
    note(
      `email ${engine}${variant.suffix} (sink replies after ${variant.replyDelayMs} ms): ${n} msgs, pool ${pool}, batch ${batch}, concurrency ${concurrency}; run build ${((t1 - t0) / 1000).toFixed(2)} s, ` +
        `drain ${((t2 - t1) / 1000).toFixed(2)} s (${(n / ((t2 - t1) / 1000)).toFixed(0)} msg/s drain only); raw nodemailer ${raw1.toFixed(0)} before, ${raw2.toFixed(0)} after`,
    );
    if (timings.size) note(`email ${engine} profile: ${formatTimings(timings)}`);
    emit(`email_send_per_s_${engine}${variant.suffix}`, herald, 'msg/s', { baseline, ratio: herald / baseline });
    emit(`email_send_ratio_${engine}${variant.suffix}`, herald / baseline, 'ratio', { goal: '>= 0.85' });
    await app.close();
  } finally {
    await provider.close();
    await db.drop();
    await sink.close();
  }
}

interface Arrival {
  at: number;
  segments: number;
}

/** Pacing through the engine: arrival times at the fake Twilio server, weighted by segments. */
export async function smsPacingBench(engine: Engine, emit: Emit): Promise<void> {
  const rate = envNumber('BENCH_SMS_RATE', 20);
  const seconds = envNumber('BENCH_SMS_SECONDS', 10);
  const fake = await startFakeTwilioServer();
  const arrivals: Arrival[] = [];
  const sender = '+15005550006';
  const provider = new TwilioSmsProvider({ accountSid: fake.accountSid, authToken: fake.authToken, apiBaseUrl: fake.url, defaultSender: sender });
  // Timestamp each request as the fake records it (the fake itself is shared with the tests; left unchanged).
  const record = fake.requests.push.bind(fake.requests);
  fake.requests.push = (...items: RecordedTwilioRequest[]) => {
    const at = performance.now();
    for (const r of items) arrivals.push({ at, segments: provider.segments(r.form.Body ?? '') });
    return record(...items);
  };
  // Local noon in the account zone (UTC) all along, so the quiet-hours window never holds a message.
  const offset = Date.UTC(2026, 10, 24, 12, 0, 0) - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const db = await createTestDatabase(engine);
  try {
    const env = { SMS_SEGMENTS_PER_SECOND: String(rate), TWILIO_FROM: sender, SEND_BATCH_SIZE: '100', SEND_CONCURRENCY: '10' };
    const app = await buildApp(loadConfig(env), { database: db, providers: { sms: provider }, clock, log: quietLog });
    const deps = app.deps;
    const short = 'Winter sale: 20% off today at Herald Shoes. Reply STOP to opt out.';
    const long = `${'Winter sale at Herald Shoes: 20% off boots, coats and scarves until Sunday. '.repeat(3)}Reply STOP to opt out.`;
    const one = provider.segments(short);
    const two = provider.segments(long);
    const messages = Math.max(2, Math.round((rate * seconds) / ((one + two) / 2)));
    await db.prisma.$executeRawUnsafe(
      contactsSql(messages, 'sms.example.com', `jsonb_build_object('msg', CASE WHEN g % 2 = 0 THEN '${short}' ELSE '${long}' END)`),
    );
    const list = await deps.contacts.createList({ name: 'Sms', description: '', createdBy: 'bench' });
    await db.prisma.$executeRawUnsafe(`INSERT INTO list_member (list_id, contact_id) SELECT ${list.id}, id FROM contact`);
    await createTemplate(deps, { name: 'Sms', channel: 'sms', text: '{{ msg }}', smsSender: sender, actor: 'bench' });
    const { campaign } = await createCampaign(deps, { name: 'Sms', channel: 'sms', template: 'Sms', list: 'Sms', actor: 'bench' });
    const t0 = performance.now();
    await runCampaign(deps, { campaignId: campaign.id, actor: 'bench' });
    await app.worker.drain();
    const t1 = performance.now();
    if (arrivals.length !== messages) throw new Error(`sms bench: fake received ${arrivals.length} of ${messages}`);

    const total = arrivals.reduce((s, a) => s + a.segments, 0);
    const first = arrivals[0]!;
    const last = arrivals[arrivals.length - 1]!;
    // Between the first and the last request the bucket paid for every segment after the first request's.
    const achieved = (total - first.segments) / ((last.at - first.at) / 1000);
    const errorPct = (Math.abs(achieved - rate) / rate) * 100;
    let maxWindow = 0;
    let maxAt = 0;
    for (let i = 0, j = 0, sum = 0; i < arrivals.length; i++) {
      while (j < arrivals.length && arrivals[j]!.at < arrivals[i]!.at + 1000) sum += arrivals[j++]!.segments;
      if (sum > maxWindow) [maxWindow, maxAt] = [sum, arrivals[i]!.at - first.at];
      sum -= arrivals[i]!.segments;
    }
    const fromStart = total / ((last.at - t0) / 1000);
    const firstSecond = arrivals.filter((a) => a.at < first.at + 1000).reduce((s, a) => s + a.segments, 0);
    note(
      `sms ${engine}: ${messages} messages (${one}- and ${two}-segment), ${total} segments at ${rate}/s configured; first→last ${((last.at - first.at) / 1000).toFixed(2)} s = ${achieved.toFixed(2)} seg/s; ` +
        `run start→last ${((last.at - t0) / 1000).toFixed(2)} s = ${fromStart.toFixed(2)} seg/s (drain ${((t1 - t0) / 1000).toFixed(2)} s); ` +
        `busiest 1 s window ${maxWindow} segments starting ${(maxAt / 1000).toFixed(2)} s after the first request; first second ${firstSecond} segments`,
    );
    await pacerOnlyCheck(rate, [one, two]);
    emit(`sms_pacing_error_pct`, errorPct, '%', { configured: rate, achieved, engine, goal: '<= 5' });
    emit(`sms_pacing_max_window_ratio`, maxWindow / rate, 'ratio', { max_1s_segments: maxWindow, configured: rate, engine, goal: '<= 1.0' });
    await app.close();
  } finally {
    await provider.close();
    await db.drop();
    await fake.close();
  }
}

/**
 * The pacer alone, to tell its behaviour from the engine's: a TokenBucketPacer that has been idle for
 * a second (as in production between runs), then `rate × 3` segments acquired back to back.
 */
async function pacerOnlyCheck(rate: number, weights: number[]): Promise<void> {
  const pacer = new TokenBucketPacer({ sms: rate });
  await new Promise((r) => setTimeout(r, 1100));
  const t0 = performance.now();
  const times: Arrival[] = [];
  for (let i = 0, sum = 0; sum < rate * 3; i++) {
    const w = weights[i % weights.length]!;
    await pacer.acquire('sms', w);
    times.push({ at: performance.now() - t0, segments: w });
    sum += w;
  }
  const firstSecond = times.filter((a) => a.at < 1000).reduce((s, a) => s + a.segments, 0);
  const immediate = times.filter((a) => a.at < 5).reduce((s, a) => s + a.segments, 0);
  note(`pacer only (idle 1.1 s first): ${immediate} segments granted at once, ${firstSecond} in the first second at ${rate}/s configured`);
}
