/**
 * `npm run bench`: one JSON object per line, {"name","value","unit"} (NOTES.md / README). Runs on
 * the embedded engine, and on PostgreSQL too when HERALD_TEST_POSTGRES_URL is set.
 * Sizes: BENCH_CONTACTS (default 100,000 recipients for the run build, 50,000 CSV rows).
 * Delivery figures (see each module's header for its sizes): email_send_per_s / email_send_ratio
 * (delivery-bench.ts), sms_pacing_error_pct / sms_pacing_max_window_ratio (once, embedded),
 * prebuild_1m_s (prebuild.ts), send_rss_mb (send-rss.ts, child processes), start_s / idle_rss_mb
 * (startup.ts), track_ratio / track_p99_ms (tracking-bench.ts), export_rows_per_s / export_rss_mb (export-bench.ts),
 * digest_1m_ms (digest-bench.ts). BENCH_ONLY picks parts (start,core,email,sms,prebuild,rss,tracking,export,outbox,digest,slack,charts).
 */
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { readContactsCsv } from '../../src/adapters/csv/read-contacts-csv.js';
import { importContacts } from '../../src/domain/contacts/import-contacts.js';
import { runCampaign } from '../../src/domain/campaign/run-campaign.js';
import { createCampaign } from '../../src/domain/campaign/create-campaign.js';
import { pauseCampaign } from '../../src/domain/campaign/pause-campaign.js';
import { resumeCampaign } from '../../src/domain/campaign/resume-campaign.js';
import { scheduleCampaign } from '../../src/domain/campaign/schedule-campaign.js';
import { createTemplate } from '../../src/domain/templates/manage-templates.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { ENGINES, createTestDatabase, type Engine } from '../support/test-database.js';
import { emit as emitFigure, note } from './bench-util.js';
import { emailSendBench, smsPacingBench } from './delivery-bench.js';
import { prebuildBench } from './prebuild.js';
import { sendRssBench } from './send-rss.js';
import { startupBench } from './startup.js';
import { trackingBench } from './tracking-bench.js';
import { exportBench } from './export-bench.js';
import { outboxBench } from './outbox-bench.js';
import { digestBench } from './digest-bench.js';

const RECIPIENTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const CSV_ROWS = Math.min(RECIPIENTS, 50_000);

function emit(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ name, value: Number(value.toFixed(3)), unit }));
}

async function bench(engine: Engine): Promise<void> {
  const db = await createTestDatabase(engine);
  try {
    const clock = new FixedClock(new Date('2026-11-22T10:00:00Z'));
    const app = await buildApp(loadConfig({}), { database: db, clock });
    const deps = app.deps;

    // 1. Streamed CSV import.
    function* csv() {
      yield 'email,phone,first_name,n\n';
      for (let i = 0; i < CSV_ROWS; i += 1000) {
        let chunk = '';
        for (let j = i; j < Math.min(i + 1000, CSV_ROWS); j++) chunk += `u${j}@bench.example.com,+1415${String(j).padStart(7, '0')},U${j},${j}\n`;
        yield chunk;
      }
    }
    let t = performance.now();
    await importContacts({ rows: readContactsCsv(Readable.from(csv())), listName: 'CSV', actor: 'bench' }, { contacts: deps.contacts });
    emit(`import_rows_per_s_${engine}`, CSV_ROWS / ((performance.now() - t) / 1000), 'rows/s');

    // 2. Building a run: the whole ledger with one INSERT … SELECT.
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO contact (email, attributes) SELECT 'r' || g || '@run.example.com', jsonb_build_object('n', g::text) FROM generate_series(1, ${RECIPIENTS}) g`,
    );
    const list = await deps.contacts.createList({ name: 'Big', description: '', createdBy: 'bench' });
    await db.prisma.$executeRawUnsafe(`INSERT INTO list_member (list_id, contact_id) SELECT ${list.id}, id FROM contact WHERE email LIKE '%@run.example.com'`);
    await createTemplate(deps, { name: 'T', channel: 'email', subject: 'Hi', text: 'Hello {{ n }}', fromEmail: 'a@example.com', actor: 'bench' });
    const { campaign } = await createCampaign(deps, { name: 'Bench', channel: 'email', template: 'T', list: 'Big', actor: 'bench' });
    t = performance.now();
    const outcome = await runCampaign(deps, { campaignId: campaign.id, actor: 'bench' });
    const seconds = (performance.now() - t) / 1000;
    if (outcome.run?.messages !== RECIPIENTS) throw new Error(`run built ${outcome.run?.messages} messages, expected ${RECIPIENTS}`);
    emit(`run_build_${RECIPIENTS}_${engine}_s`, seconds, 's');

    // 3. Conditional status changes with their activity entries.
    const { campaign: c2 } = await createCampaign(deps, { name: 'Flip', channel: 'email', template: 'T', list: 'CSV', actor: 'bench' });
    await scheduleCampaign(deps, { campaignId: c2.id, actor: 'bench', at: '2026-12-24 09:00', tz: 'UTC' });
    const flips = 200;
    t = performance.now();
    for (let i = 0; i < flips; i++) {
      await pauseCampaign(deps, { campaignId: c2.id, actor: 'bench' });
      await resumeCampaign(deps, { campaignId: c2.id, actor: 'bench' });
    }
    emit(`transitions_per_s_${engine}`, (flips * 2) / ((performance.now() - t) / 1000), 'transitions/s');
    emit(`rss_mb_${engine}`, process.memoryUsage().rss / 1_048_576, 'MB');
  } finally {
    await db.drop();
  }
}

const ONLY = new Set((process.env.BENCH_ONLY ?? 'start,core,email,sms,prebuild,rss,tracking,export,outbox,digest,slack,charts').split(',').map((p) => p.trim()));
const started = performance.now();
async function part(name: string, engine: Engine | null, fn: () => Promise<void>): Promise<void> {
  if (!ONLY.has(name)) return;
  const t0 = performance.now();
  await fn();
  note(`${name}${engine ? ` ${engine}` : ''} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
// BENCH_ENGINES=postgres (or embedded) narrows the engines measured.
const engines = process.env.BENCH_ENGINES ? ENGINES.filter((e) => process.env.BENCH_ENGINES!.split(',').includes(e)) : ENGINES;
// Start-up time and idle memory of the real entry point on the embedded database.
await part('start', null, () => startupBench(emitFigure));
for (const engine of engines) {
  await part('core', engine, () => bench(engine));
  await part('email', engine, async () => {
    await emailSendBench(engine, emitFigure);
    await emailSendBench(engine, emitFigure, { replyDelayMs: 10, suffix: '_remote' });
  });
  if (engine === engines[0]) await part('sms', engine, () => smsPacingBench(engine, emitFigure));
  await part('prebuild', engine, () => prebuildBench(engine, emitFigure));
  await part('rss', engine, () => sendRssBench(engine));
  await part('tracking', engine, () => trackingBench(engine, emitFigure));
  await part('export', engine, () => exportBench(engine, emitFigure));
  await part('outbox', engine, () => outboxBench(engine, emitFigure));
  await part('digest', engine, () => digestBench(engine, emitFigure));
}
// Slack ack latency in its own process (its own event loop and embedded database).
await part('slack', null, async () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/slack-ack.ts'], { encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = (child.stdout ?? '').split('\n').filter((l) => l.startsWith('{'));
  for (const line of lines) {
    const figure = JSON.parse(line) as { name: string; value: number; unit: string };
    emitFigure(figure.name, figure.value, figure.unit, figure.name === 'ack_p99_ms' ? { goal: '< 100', concurrency: 20 } : {});
  }
  if (child.status !== 0) note(`slack ack bench failed with status ${child.status}`);
});
// Chart drawing through quickchart-js and Herald's own /chart, in its own process.
await part('charts', null, async () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/chart-render.ts'], { encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of (child.stdout ?? '').split('\n').filter((l) => l.startsWith('{'))) console.log(line);
  if (child.status !== 0) note(`chart bench failed with status ${child.status}`);
});
note(`bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(0);
