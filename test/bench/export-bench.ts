/**
 * `export_rows_per_s` and `export_rss_mb`: the CSV export of one campaign of 1M messages (contacts
 * with three custom fields, 1M human hits), as `/campaign export` does it. The bench process seeds
 * the database; the export runs in a fresh child process that is a real Herald (buildApp on that
 * database, the console's command handler, `export C-<id>`), so neither the seeding nor the bench
 * inflates what is measured. Memory figures are that child's: its RSS idle (after start-up, before
 * the command), its peak RSS during the export (VmHWM after resetting it through
 * /proc/self/clear_refs, and RSS sampled every 20 ms), and the increase, which is what an export
 * costs Herald. The database server is another process and not counted. Rows/s: rows written ÷
 * the command's time (from the line handed to the handler to its reply, the file renamed in place).
 * Run alone: BENCH_ONLY=export [BENCH_ENGINES=embedded] [BENCH_EXPORT_MESSAGES=200000] npm run bench; the export
 * alone on a seeded database: node --import tsx test/bench/export-bench.ts child <database url> <campaign id> <data dir>
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/adapters/db/database.js';
import { createCommandHandler } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config.js';
import { renderText } from '../../src/console/render-text.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { contactsSql, envNumber, HERALD_NODE_FLAGS, note, quietLog, type Emit } from './bench-util.js';

const MESSAGES = envNumber('BENCH_EXPORT_MESSAGES', 1_000_000);

/** One campaign of `messages` messages (contacts with three custom fields, one human hit each); answers its id. */
export async function seedExportCampaign(db: Database, messages: number): Promise<number> {
  await db.prisma.$executeRawUnsafe(contactsSql(messages, 'export.example.com', `jsonb_build_object('first_name', 'U' || g, 'city', CASE WHEN g % 3 = 0 THEN 'Lyon' ELSE 'Paris' END, 'note', CASE WHEN g % 100 = 0 THEN '=1+1' ELSE 'ok' END)`));
  const [campaign] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ('Export', 'email', 'completed', 'bench', now()) RETURNING id`);
  const [run] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'completed', now()) RETURNING id`, campaign!.id);
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, variant, status, failure_category, failure_reason, sent_at, delivered_at)
     SELECT $1, $2, c.id, 'email', c.email, CASE WHEN c.id % 2 = 0 THEN 'A' ELSE 'B' END,
            (CASE WHEN c.id % 50 = 0 THEN 'failed' ELSE 'delivered' END)::"MessageStatus",
            CASE WHEN c.id % 50 = 0 THEN 'timeout' END, CASE WHEN c.id % 50 = 0 THEN 'no answer in 30 s' END, '2026-11-22 10:00', '2026-11-22 10:00'
     FROM contact c`,
    run!.id, campaign!.id,
  );
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO tracking_event (message_id, type, occurred_at, method, classification)
     SELECT m.id, (CASE WHEN m.id % 4 = 0 THEN 'click' ELSE 'open' END)::"TrackingEventType", '2026-11-22 11:00', 'GET', 'human'::"HitClass"
     FROM message m WHERE m.run_id = $1`,
    run!.id,
  );
  await db.prisma.$executeRawUnsafe('ANALYZE');
  return campaign!.id;
}

/** What the child measured (sizes in MiB). */
interface ChildFigures {
  rows: number;
  bytes: number;
  seconds: number;
  /** CPU time of the exporting process (all its threads) during the command. */
  cpuSeconds: number;
  idleMb: number;
  peakMb: number;
  /** How the peak was read: VmHWM after a reset, or sampled RSS only where the reset is refused. */
  peakSource: 'VmHWM' | 'sampled';
  startupHwmMb: number;
  heapIdleMb: number;
  heapPeakMb: number;
  reply: string;
}

const KB_PER_MB = 1024;

function status(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`export bench: no ${field} in /proc/self/status`);
  return Number(match[1]) / KB_PER_MB;
}

/** The child: a Herald on the seeded database, one `export` command, its figures sent to the parent. */
async function exportChild(databaseUrl: string, campaignId: number, dataDir: string): Promise<ChildFigures> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', HERALD_DATA_DIR: dataDir, DATABASE_URL: databaseUrl }), {
    clock: new FixedClock(new Date('2026-11-22T12:00:00Z')),
    log: quietLog,
  });
  const handle = createCommandHandler(app, { error: () => {} });
  global.gc?.();
  const startupHwmMb = status('VmHWM');
  const idleMb = status('VmRSS');
  const heapIdleMb = process.memoryUsage().heapUsed / 1_048_576;
  // "5" resets VmHWM to the current RSS (Linux >= 4.0); from here it is the export's peak.
  let peakSource: ChildFigures['peakSource'] = 'VmHWM';
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    peakSource = 'sampled';
  }
  let sampled = idleMb;
  let heapPeakMb = heapIdleMb;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    sampled = Math.max(sampled, m.rss / 1_048_576);
    heapPeakMb = Math.max(heapPeakMb, m.heapUsed / 1_048_576);
  }, 20);
  const cpu = process.cpuUsage();
  const t = performance.now();
  const reply = await handle(`export C-${campaignId}`, { id: 'bench' });
  const seconds = (performance.now() - t) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  clearInterval(sampler);
  const peakMb = Math.max(sampled, status('VmRSS'), peakSource === 'VmHWM' ? status('VmHWM') : 0);
  const text = renderText(reply);
  const file = /to (\S+\.csv)/.exec(text)?.[1];
  if (!reply.ok || !file) throw new Error(`export bench: the command failed: ${text}`);
  const rows = Number(/Exported ([\d,]+) message/.exec(text)![1]!.replace(/,/g, ''));
  const bytes = fs.statSync(file).size;
  await app.close();
  return { rows, bytes, seconds, cpuSeconds: (user + system) / 1e6, idleMb, peakMb, peakSource, startupHwmMb, heapIdleMb, heapPeakMb, reply: text };
}

function runChild(databaseUrl: string, campaignId: number, dataDir: string): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['child', databaseUrl, String(campaignId), dataDir], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...HERALD_NODE_FLAGS, '--expose-gc'],
    });
    let figures: ChildFigures | undefined;
    child.once('message', (m) => (figures = m as ChildFigures));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 && figures ? resolve(figures) : reject(new Error(`export bench child exited ${code}`))));
  });
}

export async function exportBench(engine: Engine, emit: Emit): Promise<void> {
  const db = await createTestDatabase(engine);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-export-bench-'));
  try {
    let t = performance.now();
    const campaignId = await seedExportCampaign(db, MESSAGES);
    note(`export ${engine}: ${MESSAGES} messages, contacts and hits written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const f = await runChild(db.url, campaignId, dataDir);
    if (f.rows !== MESSAGES) throw new Error(`export wrote ${f.rows} rows, expected ${MESSAGES}`);
    note(
      `export ${engine}: ${f.rows} rows, ${(f.bytes / 1e6).toFixed(0)} MB in ${f.seconds.toFixed(1)} s (Herald's CPU ${f.cpuSeconds.toFixed(1)} s; load ${os.loadavg()[0]!.toFixed(1)}); ` +
        `the exporting Herald process: RSS ${f.idleMb.toFixed(0)} MiB idle, ${f.peakMb.toFixed(0)} MiB at most (+${(f.peakMb - f.idleMb).toFixed(0)}, ${f.peakSource}); ` +
        `JS heap ${f.heapIdleMb.toFixed(0)} -> ${f.heapPeakMb.toFixed(0)} MiB; start-up peak ${f.startupHwmMb.toFixed(0)} MiB`,
    );
    emit(`export_rows_per_s_${engine}`, f.rows / f.seconds, 'rows/s', { rows: f.rows, mb: f.bytes / 1e6, seconds: f.seconds, cpu_s: f.cpuSeconds, goal: '>= 200000' });
    emit(`export_rss_mb_${engine}`, f.peakMb, 'MB', {
      measured: 'peak RSS of a fresh Herald process (buildApp + console handler) while it runs `export`',
      idle_mb: f.idleMb,
      increase_mb: f.peakMb - f.idleMb,
      peak_source: f.peakSource,
      heap_idle_mb: f.heapIdleMb,
      heap_peak_mb: f.heapPeakMb,
      goal: '< 150',
    });
  } finally {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'child') {
  const figures = await exportChild(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
  // Run by hand (no parent): print the figures.
  if (process.send) process.send(figures, () => process.exit(0));
  else {
    console.log(JSON.stringify(figures));
    process.exit(0);
  }
}
