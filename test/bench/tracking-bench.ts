/**
 * Tracking and metrics figures (`BENCH_ONLY=tracking`):
 * - track_ratio: pixel hits per second through Herald's HTTP edge (token check, buffered hit,
 *   classified and written to the database in batches, the final write included in the time) ÷ a
 *   bare Node HTTP server serving the same GIF, measured one after the other in the same run with the
 *   same load generator (a worker thread, keep-alive, BENCH_TRACK_CONCURRENCY in flight, default 32,
 *   for BENCH_TRACK_SECONDS each, default 6, in three alternating rounds). Goal ≥ 0.7.
 * - track_p99_ms: the 99th percentile of Herald's pixel response time under that load. Goal < 20.
 * - metrics_1m_ms: the metrics of one campaign of 1M messages (two variants) and 3M events, median
 *   of 7 reads after one warm-up. Goal < 100.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { campaignMetrics } from '../../src/domain/metrics/campaign-metrics.js';
import { signOpen } from '../../src/domain/tracking/tracking-tokens.js';
import { createHttpServer } from '../../src/http/http-server.js';
import { PIXEL_GIF } from '../../src/http/routes/tracking.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { envNumber, note, type Emit } from './bench-util.js';

const CONCURRENCY = envNumber('BENCH_TRACK_CONCURRENCY', 32);
const SECONDS = envNumber('BENCH_TRACK_SECONDS', 6);
const ROUNDS = 3;
const MESSAGES = envNumber('BENCH_METRICS_MESSAGES', 1_000_000);

/** Keep-alive GETs over a list of paths for a fixed time; plain JavaScript (worker threads do not inherit tsx). */
const CLIENT = `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const agent = new http.Agent({ keepAlive: true, maxSockets: w.concurrency });
const latencies = [];
let n = 0, failed = 0;
const end = performance.now() + w.ms;
function one() {
  return new Promise((resolve) => {
    const t = performance.now();
    const path = w.paths[n++ % w.paths.length];
    http.get({ host: '127.0.0.1', port: w.port, path, agent, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' } }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode !== 200) failed++; latencies.push(performance.now() - t); resolve(); });
    }).on('error', () => { failed++; resolve(); });
  });
}
async function lane() { while (performance.now() < end) await one(); }
Promise.all(Array.from({ length: w.concurrency }, lane)).then(() => { agent.destroy(); parentPort.postMessage({ latencies, failed }); });
`;

function load(port: number, paths: string[], ms: number): Promise<{ latencies: number[]; failed: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { port, paths, ms, concurrency: CONCURRENCY } });
    worker.once('message', (m: { latencies: number[]; failed: number }) => resolve(m));
    worker.once('error', reject);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function trackingBench(engine: Engine, emit: Emit): Promise<void> {
  const db = await createTestDatabase(engine);
  try {
    const clock = new FixedClock(new Date('2026-11-22T12:00:00Z'));
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { database: db, clock });

    // 1. Pixel hits: a bare server, then Herald's edge with persistence.
    const bare = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/gif', 'content-length': PIXEL_GIF.length, 'cache-control': 'no-store, no-cache, must-revalidate, max-age=0, private', pragma: 'no-cache', expires: 'Thu, 01 Jan 1970 00:00:00 GMT' });
      res.end(PIXEL_GIF);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const barePort = (bare.address() as AddressInfo).port;

    const [campaign] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ('Hits', 'email', 'completed', 'bench', now()) RETURNING id`);
    const [run] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'completed', now()) RETURNING id`, campaign!.id);
    const ids = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, status, sent_at, delivered_at)
       SELECT $1, $2, g, 'email', 'h' || g || '@hits.example.com', 'delivered', '2026-11-22 10:00', '2026-11-22 10:00' FROM generate_series(1, 5000) g RETURNING id`,
      run!.id, campaign!.id,
    );
    const paths = ids.map((r) => `/o/${signOpen(app.signer, String(r.id))}`);
    const edge = createHttpServer(app.httpDeps(), { publicBaseUrl: null, twilio: null });
    const { port } = await edge.listen(0, '127.0.0.1');

    // Alternating rounds (bare, Herald, bare, Herald, …) so a busy machine's swings fall on both alike.
    await load(barePort, ['/o/x'], 1000);
    await load(port, paths, 1000);
    await app.tracking.buffer.flush();
    const [{ n: warm } = { n: 0 }] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM tracking_event`;
    const bareLatencies: number[] = [];
    const heraldLatencies: number[] = [];
    let bareSeconds = 0;
    let heraldSeconds = 0;
    let failed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const b = await load(barePort, ['/o/x'], (SECONDS * 1000) / ROUNDS);
      bareLatencies.push(...b.latencies);
      bareSeconds += SECONDS / ROUNDS;
      const t0 = performance.now();
      const h = await load(port, paths, (SECONDS * 1000) / ROUNDS);
      const held = app.tracking.buffer.size;
      const f0 = performance.now();
      // The round's hits are written before its time stops: persistence is inside the figure.
      await app.tracking.buffer.flush();
      note(`tracking ${engine} round ${round + 1}: bare ${b.latencies.length}, Herald ${h.latencies.length} answered; ${held} still held at the end, written in ${(performance.now() - f0).toFixed(0)} ms`);
      heraldSeconds += (performance.now() - t0) / 1000;
      heraldLatencies.push(...h.latencies);
      failed += h.failed;
    }
    const [{ n: stored } = { n: 0 }] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM tracking_event`;
    const bareRate = bareLatencies.length / bareSeconds;
    const heraldRate = heraldLatencies.length / heraldSeconds;
    if (stored - warm !== heraldLatencies.length - failed || failed > 0) {
      throw new Error(`hits answered ${heraldLatencies.length} (failed ${failed}) but ${stored - warm} stored`);
    }
    note(`tracking ${engine}: bare ${bareRate.toFixed(0)} hits/s, Herald ${heraldRate.toFixed(0)} hits/s with ${stored - warm} hits stored (${CONCURRENCY} in flight)`);
    emit(`track_ratio_${engine}`, heraldRate / bareRate, 'ratio', { value_per_s: heraldRate, baseline: bareRate, goal: '>= 0.7' });
    emit(`track_p99_ms_${engine}`, percentile(heraldLatencies, 99), 'ms', { baseline: percentile(bareLatencies, 99), goal: '< 20' });
    await edge.close();
    await new Promise<void>((r) => bare.close(() => r()));

    // 2. Metrics of one campaign of 1M messages and 3M events.
    const [big] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ('Big', 'email', 'completed', 'bench', now()) RETURNING id`);
    const [bigRun] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'completed', now()) RETURNING id`, big!.id);
    let t = performance.now();
    // The status counts come from the trigger as the rows are written, as when a run is built.
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, variant, status, failure_category, sent_at, delivered_at)
       SELECT $1, $2, g, 'email', 'm' || g || '@big.example.com', CASE WHEN g % 2 = 0 THEN 'A' ELSE 'B' END,
              (CASE WHEN g % 50 = 0 THEN 'failed' WHEN g % 97 = 0 THEN 'bounced' ELSE 'delivered' END)::"MessageStatus",
              CASE WHEN g % 50 = 0 THEN 'timeout' END, '2026-11-22 10:00', '2026-11-22 10:00'
       FROM generate_series(1, ${MESSAGES}) g`,
      bigRun!.id, big!.id,
    );
    note(`metrics ${engine}: ${MESSAGES} messages written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    // 3 events per message (open, open, click) with their counts, as the hit writer leaves them.
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO tracking_event (message_id, type, occurred_at, method, classification, reason)
       SELECT m.id, (CASE WHEN k = 3 THEN 'click' ELSE 'open' END)::"TrackingEventType", '2026-11-22 11:00', 'GET',
              (CASE WHEN m.id % 5 = 0 THEN 'privacy_proxy' ELSE 'human' END)::"HitClass", CASE WHEN m.id % 5 = 0 THEN 'privacy_proxy' END
       FROM message m CROSS JOIN generate_series(1, 3) k WHERE m.run_id = $1`,
      bigRun!.id,
    );
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO run_event_count (run_id, variant, metric, count)
       SELECT m.run_id, coalesce(m.variant, ''), e.type || ':' || e.classification, count(*) FROM tracking_event e JOIN message m ON m.id = e.message_id WHERE m.run_id = $1 GROUP BY 1, 2, 3
       UNION ALL
       SELECT m.run_id, coalesce(m.variant, ''), e.type || ':human:unique', count(DISTINCT e.message_id) FROM tracking_event e JOIN message m ON m.id = e.message_id WHERE m.run_id = $1 AND e.classification = 'human' GROUP BY 1, 2, 3`,
      bigRun!.id,
    );
    note(`metrics ${engine}: ${MESSAGES * 3} events written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await campaignMetrics(app.metricsDeps, big!.id);
    const reads: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      const r0 = performance.now();
      last = await campaignMetrics(app.metricsDeps, big!.id);
      reads.push(performance.now() - r0);
    }
    const delivered = last!.campaign.figures.find((f) => f.key === 'delivered')!;
    if (delivered.denominator !== MESSAGES) throw new Error(`metrics saw ${delivered.denominator} messages, expected ${MESSAGES}`);
    emit(`metrics_1m_ms_${engine}`, percentile(reads, 50), 'ms', { max: Math.max(...reads), messages: MESSAGES, events: MESSAGES * 3, goal: '< 100' });
    await app.close();
  } finally {
    await db.drop();
  }
}
