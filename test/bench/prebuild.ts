/**
 * prebuild_1m_s_<engine>: building a run (runCampaign → queueRun, the one INSERT … SELECT) for
 * BENCH_PREBUILD recipients (default 1,000,000). Goals: < 5 s embedded, < 8 s PostgreSQL.
 * When the goal is missed (or BENCH_PREBUILD_EXPLAIN=1; =0 never), where the time goes:
 * the launch check's audience count, queueRun, and EXPLAIN ANALYZE of the audience SELECT, of the
 * INSERT … SELECT, and of the same INSERT into an index-less copy of `message` (rolled back).
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { audienceQuery } from '../../src/adapters/db/audience-sql.js';
import { createCampaign } from '../../src/domain/campaign/create-campaign.js';
import { runCampaign } from '../../src/domain/campaign/run-campaign.js';
import { createTemplate } from '../../src/domain/templates/manage-templates.js';
import { buildApp } from '../../src/wiring.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { createTestDatabase, type Engine, type TestDatabase } from '../support/test-database.js';
import { envNumber, formatTimings, note, quietLog, timeMethods, timed, type Emit } from './bench-util.js';

const GOAL_S: Record<Engine, number> = { embedded: 5, postgres: 8 };

export async function prebuildBench(engine: Engine, emit: Emit): Promise<void> {
  const n = envNumber('BENCH_PREBUILD', 1_000_000);
  const label = n === 1_000_000 ? '1m' : String(n);
  const db = await createTestDatabase(engine);
  try {
    const clock = new FixedClock(new Date('2026-11-22T10:00:00Z'));
    const app = await buildApp(loadConfig({}), { database: db, clock, providers: {}, log: quietLog });
    const deps = app.deps;
    const [, tContacts] = await timed(() =>
      db.prisma.$executeRawUnsafe(
        `INSERT INTO contact (email, attributes) SELECT 'r' || g || '@run.example.com', jsonb_build_object('n', g::text) FROM generate_series(1, ${n}) g`,
      ),
    );
    const list = await deps.contacts.createList({ name: 'Big', description: '', createdBy: 'bench' });
    const [, tMembers] = await timed(() => db.prisma.$executeRawUnsafe(`INSERT INTO list_member (list_id, contact_id) SELECT ${list.id}, id FROM contact`));
    note(`prebuild ${engine}: setup ${n} contacts ${tContacts.toFixed(2)} s, list members ${tMembers.toFixed(2)} s`);
    await createTemplate(deps, { name: 'T', channel: 'email', subject: 'Hi', text: 'Hello {{ n }}', fromEmail: 'a@example.com', actor: 'bench' });
    const { campaign } = await createCampaign(deps, { name: 'Bench', channel: 'email', template: 'T', list: 'Big', actor: 'bench' });

    const timings = new Map<string, { ms: number; calls: number }>();
    const store = deps.campaigns;
    const contacts = deps.contacts;
    deps.campaigns = timeMethods(store, 'campaigns', timings);
    deps.contacts = timeMethods(contacts, 'contacts', timings);
    const t = performance.now();
    const outcome = await runCampaign(deps, { campaignId: campaign.id, actor: 'bench' });
    const seconds = (performance.now() - t) / 1000;
    deps.campaigns = store;
    deps.contacts = contacts;
    if (outcome.run?.messages !== n) throw new Error(`prebuild: run built ${outcome.run?.messages} messages, expected ${n}`);
    const goal = GOAL_S[engine];
    emit(`prebuild_${label}_s_${engine}`, seconds, 's', { goal: `< ${goal}` });
    note(`prebuild ${engine} parts: ${formatTimings(timings)}`);

    const explain = process.env.BENCH_PREBUILD_EXPLAIN;
    if (explain === '1' || explain === 'full' || (explain !== '0' && seconds >= goal)) await breakdown(db, engine, label, list.id, campaign.id, outcome.run.runId, emit);
  } finally {
    await db.drop();
  }
}

function planTime(rows: { 'QUERY PLAN': string }[]): number {
  const line = rows.map((r) => r['QUERY PLAN']).find((l) => l.startsWith('Execution Time'));
  return Number(/([\d.]+) ms/.exec(line ?? '')?.[1] ?? NaN) / 1000;
}

/** EXPLAIN ANALYZE inside a transaction that is rolled back, so the database is left as it was. */
async function explainRolledBack(db: TestDatabase, statements: string[], sql: string, values: unknown[]): Promise<{ plan: string[]; seconds: number }> {
  let result: { plan: string[]; seconds: number } | null = null;
  await db.prisma
    .$transaction(
      async (tx) => {
        for (const s of statements) await tx.$executeRawUnsafe(s);
        const rows = await tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ...values);
        result = { plan: rows.map((r) => r['QUERY PLAN']), seconds: planTime(rows) };
        throw new Rollback();
      },
      { timeout: 600_000, maxWait: 60_000 },
    )
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  return result!;
}

class Rollback extends Error {}

async function breakdown(db: TestDatabase, engine: Engine, label: string, listId: number, campaignId: number, runId: number, emit: Emit): Promise<void> {
  const audience = audienceQuery({ listId, include: [], exclude: [], oneTime: null, address: { field: 'email' } });
  const select = await explainRolledBack(db, [], audience.text, audience.values);
  emit(`prebuild_${label}_audience_select_s_${engine}`, select.seconds, 's');
  note(`audience SELECT (DISTINCT ON) ${engine}:\n${select.plan.join('\n')}`);

  // queueRun's statement, for a second run of the same campaign (run_id differs, so no unique clash).
  const insert = (table: string) => `INSERT INTO ${table} (run_id, campaign_id, contact_id, channel, recipient, variant, status, next_attempt_at)
    SELECT ${runId + 1000}, ${campaignId}, a.contact_id, 'email', a.recipient, NULL,
           CASE WHEN EXISTS (SELECT 1 FROM suppression s WHERE s.address = a.recipient)
                  OR EXISTS (SELECT 1 FROM suppression s WHERE s.contact_id = a.contact_id)
                THEN 'opted_out'::"MessageStatus" ELSE 'queued'::"MessageStatus" END,
           '2026-11-22 10:00:00'::timestamp
    FROM (${audience.text}) a`;
  const idx = await db.prisma.$queryRawUnsafe<{ indexname: string }[]>(`SELECT indexname FROM pg_indexes WHERE tablename = 'message'`);
  note(`message indexes: ${idx.map((i) => i.indexname).join(', ')}`);
  const full = await explainRolledBack(db, [], insert('message'), audience.values);
  emit(`prebuild_${label}_insert_select_s_${engine}`, full.seconds, 's');
  note(`INSERT … SELECT into message ${engine}:\n${full.plan.join('\n')}`);

  if (process.env.BENCH_PREBUILD_EXPLAIN !== 'full') {
    note('(BENCH_PREBUILD_EXPLAIN=full also times the same INSERT into an index-less copy of message)');
    return;
  }
  const bare = await explainRolledBack(db, ['CREATE TEMP TABLE message_bare (LIKE message INCLUDING DEFAULTS) ON COMMIT DROP'], insert('message_bare'), audience.values);
  emit(`prebuild_${label}_insert_no_indexes_s_${engine}`, bare.seconds, 's');
  note(`same INSERT into a copy of message without indexes ${engine}: ${bare.seconds.toFixed(2)} s (index upkeep ≈ ${(full.seconds - bare.seconds).toFixed(2)} s)`);
}
