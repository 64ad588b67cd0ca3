import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp-email-provider.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { loadConfig } from '../../src/config.js';
import { createHttpServer, type HttpServerHandle } from '../../src/http/http-server.js';
import { buildApp, type App } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, T0, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const ENV = { SEND_BATCH_SIZE: '4', SEND_CONCURRENCY: '3', EMAIL_RATE_PER_SECOND: '1000', RETRY_BASE_SECONDS: '600', ERROR_BUDGET_MIN_ATTEMPTS: '1000' };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Reads the Prometheus text exposition format (version 0.0.4) strictly: every line is a `# HELP`,
 * a `# TYPE` or a sample `name{label="value",…} number`; anything else fails the test.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string>; help: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      help.set(m[1]!, m[2]!);
      continue;
    }
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (-?(?:\d+(?:\.\d+)?(?:e[+-]?\d+)?|[Nn]a[Nn]|[+-]Inf))$/.exec(line);
    if (!m) throw new Error(`not Prometheus text format: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types, help };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
}

async function serve(app: App): Promise<{ base: string; http: HttpServerHandle }> {
  const http = createHttpServer(app.httpDeps(), { publicBaseUrl: null, twilio: null });
  const { port } = await http.listen(0, '127.0.0.1');
  return { base: `http://127.0.0.1:${port}`, http };
}

describe.each(ENGINES)('/metrics and /healthz on %s', (engine) => {
  let t: TestApp;
  let sink: SmtpSink;
  let provider: SmtpEmailProvider;
  let edge: { base: string; http: HttpServerHandle };

  beforeAll(async () => {
    sink = await startSmtpSink();
    // One unknown user (permanent: bounced) and one full mailbox (deferred: retrying).
    sink.verdict = (to) => (to === 'nobody@m.example.com' ? { code: 550, text: '5.1.1 No such user' } : to === 'full@m.example.com' ? { code: 452, text: '4.2.2 Mailbox full' } : 'accept');
    provider = new SmtpEmailProvider({ url: sink.url, poolSize: 3, dkim: null });
    t = await createTestApp(engine, ENV, { providers: { email: provider }, pacer: noPacing, random: () => 0.5 });
    t.app.setPublicBaseUrl('https://herald.example.com');
    edge = await serve(t.app);
    await ok(t, 'templates create M --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com');
  });
  afterAll(async () => {
    await edge?.http.close();
    await t?.close();
    await provider?.close();
    await sink?.close();
  });

  it('exposes messages by channel and status, sends, errors by category, queue depth and latencies after a send through the real engine', async () => {
    const good = Array.from({ length: 9 }, (_, i) => `u${i}@m.example.com,U${i}`);
    await importContacts(t, 'Metrics', 'email,first_name', [...good, 'nobody@m.example.com,N', 'full@m.example.com,F']);
    await ok(t, 'new --name Metrics --channel email --template M --list Metrics');
    await ok(t, 'run C-1001');

    // Built, not yet sent: the whole run waits in the queue.
    const before = parseExposition(await (await fetch(`${edge.base}/metrics`)).text()).samples;
    expect(value(before, 'herald_queue_depth', { channel: 'email', status: 'queued' })).toBe(11);
    expect(value(before, 'herald_queue_depth', { channel: 'email', status: 'sending' })).toBe(0);
    expect(value(before, 'herald_messages_sent_total', { channel: 'email' })).toBe(0);

    await t.app.worker.drain();

    const started = performance.now();
    const res = await fetch(`${edge.base}/metrics`);
    const scrapeMs = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types, help } = parseExposition(await res.text());
    console.log(JSON.stringify({ engine, scrapeMs: Math.round(scrapeMs), samples: samples.length }));

    // What the ledger says, per status and failure category: the counters must agree with it.
    const ledger = await t.db.prisma.$queryRaw<{ status: string; category: string | null; n: number }[]>`
      SELECT status::text AS status, failure_category AS category, count(*)::int AS n FROM message WHERE campaign_id = 1001 GROUP BY 1, 2`;
    expect(ledger.map((r) => r.status).sort()).toEqual(['bounced', 'delivered', 'retrying']);
    for (const row of ledger) expect(value(samples, 'herald_messages_total', { channel: 'email', status: row.status }), row.status).toBe(row.n);
    for (const row of ledger.filter((r) => r.category)) {
      expect(value(samples, 'herald_delivery_errors_total', { channel: 'email', category: row.category! }), row.category!).toBe(row.n);
    }
    expect(value(samples, 'herald_messages_sent_total', { channel: 'email' })).toBe(9);

    expect(value(samples, 'herald_provider_send_duration_seconds_count', { channel: 'email', result: 'sent' })).toBe(9);
    expect(value(samples, 'herald_provider_send_duration_seconds_count', { channel: 'email', result: 'permanent' })).toBe(1);
    expect(value(samples, 'herald_provider_send_duration_seconds_count', { channel: 'email', result: 'retryable' })).toBe(1);
    expect(value(samples, 'herald_provider_send_duration_seconds_bucket', { channel: 'email', result: 'sent', le: '+Inf' })).toBe(9);
    expect(value(samples, 'herald_provider_send_duration_seconds_sum', { channel: 'email', result: 'sent' })).toBeGreaterThan(0);
    // 11 messages in batches of at most 4, and claims that found nothing once the run was done.
    expect(value(samples, 'herald_claim_duration_seconds_count', { channel: 'email' })).toBeGreaterThanOrEqual(3);
    expect(value(samples, 'herald_scheduler_tick_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'herald_slack_ack_duration_seconds_count')).toBe(0);

    // The deferred one waits for its back-off; nothing is left in flight.
    expect(value(samples, 'herald_queue_depth', { channel: 'email', status: 'retrying' })).toBe(1);
    expect(value(samples, 'herald_queue_depth', { channel: 'email', status: 'queued' })).toBe(0);
    expect(value(samples, 'herald_queue_depth', { channel: 'email', status: 'sending' })).toBe(0);

    const expectedTypes: Record<string, string> = {
      herald_messages_total: 'counter',
      herald_messages_sent_total: 'counter',
      herald_delivery_errors_total: 'counter',
      herald_queue_depth: 'gauge',
      herald_claim_duration_seconds: 'histogram',
      herald_provider_send_duration_seconds: 'histogram',
      herald_slack_ack_duration_seconds: 'histogram',
      herald_scheduler_tick_duration_seconds: 'histogram',
    };
    for (const [name, type] of Object.entries(expectedTypes)) {
      expect(types.get(name), name).toBe(type);
      expect(help.get(name), name).toBeTruthy();
    }
    // Node's own figures are there too (memory, event loop).
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Only counts: no recipient address ever appears in a label.
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes('@')))).toBe(false);
  });

  it('answers /healthz 200 naming the database when it answers', async () => {
    const res = await fetch(`${edge.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: { ok: true, ms: expect.any(Number) } } });
  });

  it('answers /healthz 503 within its 1 s limit naming the database when the database hangs, and 200 again once it answers', async () => {
    // The same database, seen through a client whose queries hang until released (a database that
    // stopped answering); everything before the probe works normally.
    let hang: { release: () => void; calls: number } | null = null;
    const prisma = new Proxy(t.db.prisma, {
      get(target, prop, receiver) {
        const real = Reflect.get(target, prop, receiver);
        if (prop !== '$queryRaw' || !hang) return typeof real === 'function' ? real.bind(target) : real;
        const h = hang;
        return () => {
          h.calls += 1;
          return new Promise<void>((resolve) => (h.release = resolve));
        };
      },
    });
    const app = await buildApp(loadConfig({ ACCOUNT_TIME_ZONE: 'UTC', HERALD_DATA_DIR: t.dataDir }), {
      database: { ...t.db, prisma },
      clock: new FixedClock(T0),
      providers: {},
      logger: createLogger({ level: 'silent' }),
      log: () => {},
    });
    const hung = await serve(app);
    try {
      hang = { release: () => {}, calls: 0 };
      const probe = async () => {
        const started = performance.now();
        const r = await fetch(`${hung.base}/healthz`);
        return { status: r.status, body: (await r.json()) as { ok: boolean; checks: Record<string, { ok: boolean }> }, ms: performance.now() - started };
      };
      const first = await probe();
      expect(first.status).toBe(503);
      expect(first.body).toEqual({ ok: false, checks: { database: { ok: false, ms: expect.any(Number), error: 'timeout' } } });
      // The promise: an answer within the limit (1 s) plus the HTTP round trip, never the database's time.
      expect(first.ms).toBeLessThan(1500);
      const second = await probe();
      expect(second.status).toBe(503);
      expect(second.ms).toBeLessThan(1500);
      // The second probe waited on the first probe's query instead of queueing another one.
      expect(hang.calls).toBe(1);

      const h = hang;
      hang = null;
      h.release();
      const recovered = await probe();
      expect(recovered.status).toBe(200);
      expect(recovered.body.checks.database?.ok).toBe(true);
    } finally {
      await hung.http.close();
      await app.close();
    }
  });

  it('answers /healthz 503 naming the database when its queries fail', async () => {
    const prisma = new Proxy(t.db.prisma, {
      get(target, prop, receiver) {
        if (prop === '$queryRaw') return () => Promise.reject(new Error('connection terminated'));
        const real = Reflect.get(target, prop, receiver);
        return typeof real === 'function' ? real.bind(target) : real;
      },
    });
    const app = await buildApp(loadConfig({ ACCOUNT_TIME_ZONE: 'UTC', HERALD_DATA_DIR: t.dataDir, HERALD_SECRET: 'a-configured-secret-0123' }), {
      database: { ...t.db, prisma },
      clock: new FixedClock(T0),
      providers: {},
      logger: createLogger({ level: 'silent' }),
      log: () => {},
    });
    const down = await serve(app);
    try {
      const res = await fetch(`${down.base}/healthz`);
      expect(res.status).toBe(503);
      // Why goes to the log only: the body names the dependency, never its error text.
      expect(await res.json()).toEqual({ ok: false, checks: { database: { ok: false, ms: expect.any(Number), error: 'error' } } });
      // /metrics still answers with what the process counts; the queue gauge is left out.
      const metrics = await fetch(`${down.base}/metrics`);
      expect(metrics.status).toBe(200);
      const { samples } = parseExposition(await metrics.text());
      expect(samples.some((s) => s.name === 'herald_queue_depth')).toBe(false);
      expect(value(samples, 'herald_messages_sent_total', { channel: 'email' })).toBeUndefined();
    } finally {
      await down.http.close();
      await app.close();
    }
  });
});
