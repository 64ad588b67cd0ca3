/**
 * `export_rows_per_s` and `export_rss_mb`: the CSV export of one campaign of 1M messages (contacts
 * with three custom fields, 1M human hits), streamed to a file in the exports folder, as
 * `/campaign export` does it. RSS is this bench process's peak while the export runs, sampled every
 * 20 ms (the embedded database is another process).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { contactsSql, envNumber, note, type Emit } from './bench-util.js';

const MESSAGES = envNumber('BENCH_EXPORT_MESSAGES', 1_000_000);

export async function exportBench(engine: Engine, emit: Emit): Promise<void> {
  const db = await createTestDatabase(engine);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-export-bench-'));
  try {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', HERALD_DATA_DIR: dataDir }), { database: db, clock: new FixedClock(new Date('2026-11-22T12:00:00Z')) });
    let t = performance.now();
    await db.prisma.$executeRawUnsafe(contactsSql(MESSAGES, 'export.example.com', `jsonb_build_object('first_name', 'U' || g, 'city', CASE WHEN g % 3 = 0 THEN 'Lyon' ELSE 'Paris' END, 'note', CASE WHEN g % 100 = 0 THEN '=1+1' ELSE 'ok' END)`));
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
    note(`export ${engine}: ${MESSAGES} messages, contacts and hits written in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    global.gc?.();
    const before = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = before;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      heapPeak = Math.max(heapPeak, m.heapUsed);
    }, 20);
    t = performance.now();
    const file = await app.messageExport.toFile({ campaignId: campaign!.id }, 'bench-export.csv');
    const seconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (file.rows !== MESSAGES) throw new Error(`export wrote ${file.rows} rows, expected ${MESSAGES}`);
    note(`export ${engine}: ${file.rows} rows, ${(file.bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s; RSS ${(before / 1e6).toFixed(0)} MB before, ${(peak / 1e6).toFixed(0)} MB at most`);
    emit(`export_rows_per_s_${engine}`, file.rows / seconds, 'rows/s', { rows: file.rows, mb: file.bytes / 1e6, goal: '>= 200000' });
    emit(`export_rss_mb_${engine}`, peak / 1e6, 'MB', { before_mb: before / 1e6, heap_before_mb: heapBefore / 1e6, heap_peak_mb: heapPeak / 1e6, goal: '< 150' });
    await app.close();
  } finally {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
