/**
 * Tracking and metrics figures (`BENCH_ONLY=tracking`):
 * - track_ratio: pixel hits per second through Herald's HTTP edge (token check, buffered hit,
 *   classified and written to the database in batches, the final write included in the time) ÷ a
 *   bare Node HTTP server serving the same GIF, measured side by side in the same run. Both servers
 *   are child processes started alike (tracking-server.ts), so each has an event loop to itself and
 *   the load generator (a worker thread of this process: keep-alive, BENCH_TRACK_CONCURRENCY in
 *   flight, default 32, the same paths for both) never shares a thread or a heap with either. Each
 *   side gets a warm-up, then BENCH_TRACK_SECONDS (default 9) in three alternating rounds; a round's
 *   time is the generator's own, from its first request to its last answer, and for Herald the
 *   round's final write is added. Goal ≥ 0.7.
 * - track_p99_ms: the 99th percentile of Herald's pixel response time under that load. Goal < 20.
 * - metrics_1m_ms: the metrics of one campaign of 1M messages (two variants) and 3M events, median
 *   of 7 reads after one warm-up. Goal < 100.
 *   The notes say each side's CPU time per hit, the generator's, and the database's during Herald's
 *   rounds (its server's processes read from /proc: the bare server gives it nothing to do, but it
 *   shares the cores).
 * BENCH_TRACK_PROFILE=<folder>: both servers run with `--cpu-prof`, into <folder>/bare and <folder>/herald.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { campaignMetrics } from '../../src/domain/metrics/campaign-metrics.js';
import { signOpen } from '../../src/domain/tracking/tracking-tokens.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { envNumber, note, type Emit } from './bench-util.js';

const CONCURRENCY = envNumber('BENCH_TRACK_CONCURRENCY', 32);
const SECONDS = envNumber('BENCH_TRACK_SECONDS', 9);
const ROUNDS = 3;
const MESSAGES = envNumber('BENCH_METRICS_MESSAGES', 1_000_000);
/** Both processes sign and verify with it (the parent signs the paths, Herald's server checks them). */
const BENCH_SECRET = 'tracking-bench-secret-0123456789';
const SERVER = fileURLToPath(new URL('./tracking-server.ts', import.meta.url));

/** Keep-alive GETs over a list of paths for a fixed time; plain JavaScript (worker threads do not inherit tsx). */
const CLIENT = `
const { parentPort, workerData: w } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const agent = new http.Agent({ keepAlive: true, maxSockets: w.concurrency });
const latencies = [];
let n = 0, failed = 0;
const start = performance.now();
const end = start + w.ms;
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
Promise.all(Array.from({ length: w.concurrency }, lane)).then(() => { const ms = performance.now() - start; agent.destroy(); parentPort.postMessage({ latencies, failed, ms }); });
`;

interface Load {
  latencies: number[];
  failed: number;
  /** From the first request to the last answer. */
  ms: number;
}

function load(port: number, paths: string[], ms: number): Promise<Load> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { port, paths, ms, concurrency: CONCURRENCY } });
    worker.once('message', (m: Load) => resolve(m));
    worker.once('error', reject);
  });
}

/** What a server says when asked to flush (tracking-server.ts). */
interface Flushed {
  held: number;
  ms: number;
  cpuMs: number;
  loopMaxMs: number;
  loopP99Ms: number;
}

interface Server {
  port: number;
  /** Writes every hit taken; says how many were still held and how long the write took. */
  flush(): Promise<Flushed>;
  close(): Promise<void>;
}

function startServer(args: string[], execArgv: string[] = []): Promise<Server> {
  const child: ChildProcess = fork(SERVER, args, { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`tracking server ${args[0]} exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as T);
      });
    });
  return next<{ port: number }>().then(({ port }) => ({
    port,
    flush: () => {
      const reply = next<Flushed>();
      child.send({ type: 'flush' });
      return reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  }));
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] is the state, [1] the parent. */
function procStat(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * The database server's CPU time so far (ms): the postmaster's own and that of the children it has
 * reaped, plus every live child (backends, WAL writer, checkpointer, …). Linux only (null elsewhere);
 * clock ticks of 10 ms, so only a whole round's difference says anything.
 */
function databaseCpuMs(postmaster: number): number | null {
  const own = procStat(postmaster);
  if (!own) return null;
  // utime, stime, cutime, cstime are fields 14–17 of stat: 11–14 after the name.
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const f = procStat(Number(entry));
    if (f && Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * 10;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export async function trackingBench(engine: Engine, emit: Emit): Promise<void> {
  const db = await createTestDatabase(engine);
  try {
    const clock = new FixedClock(new Date('2026-11-22T12:00:00Z'));
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', HERALD_SECRET: BENCH_SECRET }), { database: db, clock });

    // 1. Pixel hits: a bare server and Herald's edge with persistence, each in its own process.
    const [campaign] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ('Hits', 'email', 'completed', 'bench', now()) RETURNING id`);
    const [run] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'completed', now()) RETURNING id`, campaign!.id);
    // Delivered a day ago (the server runs on the system clock): the hits are human opens.
    const ids = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, status, sent_at, delivered_at)
       SELECT $1, $2, g, 'email', 'h' || g || '@hits.example.com', 'delivered', now() - interval '1 day', now() - interval '1 day' FROM generate_series(1, 5000) g RETURNING id`,
      run!.id, campaign!.id,
    );
    const paths = ids.map((r) => `/o/${signOpen(app.signer, String(r.id))}`);
    // The database works on the same cores for every batch Herald writes (the bare server has none).
    const [{ pid: backend } = { pid: 0 }] = await db.prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const postmaster = Number(procStat(backend)?.[1] ?? 0);
    const profile = process.env.BENCH_TRACK_PROFILE;
    const [bare, herald] = await Promise.all([startServer(['bare'], profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/bare`] : []), startServer(['herald', db.url, BENCH_SECRET], profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}/herald`] : [])]);

    // Alternating rounds (bare, Herald, bare, Herald, …) so a busy machine's swings fall on both alike.
    await load(bare.port, paths, 1500);
    await load(herald.port, paths, 1500);
    await herald.flush();
    const [{ n: warm } = { n: 0 }] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM tracking_event`;
    const bareLatencies: number[] = [];
    const heraldLatencies: number[] = [];
    let bareMs = 0;
    let heraldMs = 0;
    let failed = 0;
    // CPU time per answered hit: each server's own, and the generator's (this process, idle otherwise).
    const cpu = { bare: 0, herald: 0, client: 0, database: 0, databaseInBare: 0 };
    let dbCpu = databaseCpuMs(postmaster);
    const clientCpu = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const b0 = await bare.flush();
      let c0 = clientCpu();
      const d0 = databaseCpuMs(postmaster);
      const b = await load(bare.port, paths, (SECONDS * 1000) / ROUNDS);
      cpu.client += clientCpu() - c0;
      const b1 = await bare.flush();
      cpu.bare += b1.cpuMs - b0.cpuMs;
      bareLatencies.push(...b.latencies);
      bareMs += b.ms;
      failed += b.failed;
      const h0 = await herald.flush();
      c0 = clientCpu();
      const d1 = databaseCpuMs(postmaster);
      const h = await load(herald.port, paths, (SECONDS * 1000) / ROUNDS);
      // The round's hits are written before its time stops: persistence is inside the figure.
      const f0 = performance.now();
      const { held, ms, cpuMs, loopMaxMs, loopP99Ms } = await herald.flush();
      const flushMs = performance.now() - f0;
      cpu.client += clientCpu() - c0;
      cpu.herald += cpuMs - h0.cpuMs;
      const d2 = databaseCpuMs(postmaster);
      if (d0 !== null && d1 !== null && d2 !== null) {
        cpu.databaseInBare += d1 - d0;
        cpu.database += d2 - d1;
      } else dbCpu = null;
      note(`tracking ${engine} round ${round + 1}: bare ${b.latencies.length} answered in ${b.ms.toFixed(0)} ms, Herald ${h.latencies.length} in ${h.ms.toFixed(0)} ms; ${held} still held at the end, written in ${ms.toFixed(0)} ms; event loop delay p99 / max: bare ${b1.loopP99Ms.toFixed(1)} / ${b1.loopMaxMs.toFixed(1)} ms, Herald ${loopP99Ms.toFixed(1)} / ${loopMaxMs.toFixed(1)} ms`);
      heraldMs += h.ms + flushMs;
      heraldLatencies.push(...h.latencies);
      failed += h.failed;
    }
    const perHit = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(0)} µs`;
    note(`tracking ${engine} CPU per hit: bare server ${perHit(cpu.bare, bareLatencies.length)}, Herald's ${perHit(cpu.herald, heraldLatencies.length)}, generator ${perHit(cpu.client, bareLatencies.length + heraldLatencies.length)}, database ${dbCpu === null ? 'not measured (no /proc)' : `${perHit(cpu.database, heraldLatencies.length)} in Herald's rounds (${cpu.databaseInBare.toFixed(0)} ms in all the bare rounds)`}`);
    const [{ n: stored } = { n: 0 }] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM tracking_event`;
    const bareRate = bareLatencies.length / (bareMs / 1000);
    const heraldRate = heraldLatencies.length / (heraldMs / 1000);
    if (stored - warm !== heraldLatencies.length || failed > 0) {
      throw new Error(`hits answered ${heraldLatencies.length} (failed ${failed}) but ${stored - warm} stored`);
    }
    note(`tracking ${engine}: bare ${bareRate.toFixed(0)} hits/s, Herald ${heraldRate.toFixed(0)} hits/s with ${stored - warm} hits stored (${CONCURRENCY} in flight)`);
    emit(`track_ratio_${engine}`, heraldRate / bareRate, 'ratio', { value_per_s: heraldRate, baseline: bareRate, goal: '>= 0.7' });
    emit(`track_p99_ms_${engine}`, percentile(heraldLatencies, 99), 'ms', { baseline: percentile(bareLatencies, 99), requests: heraldLatencies.length, goal: '< 20' });
    await Promise.all([bare.close(), herald.close()]);

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
