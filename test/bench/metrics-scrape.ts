/**
 * metrics_scrape_ms_<engine>_<size>: median time of one /metrics scrape (prom-client text plus the
 * queue-depth count) on a ledger of `size` messages, twice: with the whole run still queued (the
 * queue is the ledger), and once 99% of it is delivered (a ledger of history with a small queue, the
 * usual case). Run alone: npx tsx test/bench/metrics-scrape.ts [embedded|postgres] [size]
 * (default 100,000).
 */
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { loadConfig } from '../../src/config.js';
import { createCampaign } from '../../src/domain/campaign/create-campaign.js';
import { runCampaign } from '../../src/domain/campaign/run-campaign.js';
import { createTemplate } from '../../src/domain/templates/manage-templates.js';
import { buildApp } from '../../src/wiring.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { contactsSql, emit, envNumber, note, quietLog, timed } from './bench-util.js';

export async function metricsScrapeBench(engine: Engine, size = envNumber('BENCH_METRICS', 100_000)): Promise<void> {
  const db = await createTestDatabase(engine);
  try {
    const app = await buildApp(loadConfig({}), { database: db, providers: {}, log: quietLog, logger: createLogger({ level: 'silent' }) });
    const deps = app.deps;
    await db.prisma.$executeRawUnsafe(contactsSql(size, 'scrape.example.com'));
    const list = await deps.contacts.createList({ name: 'Scrape', description: '', createdBy: 'bench' });
    await db.prisma.$executeRawUnsafe(`INSERT INTO list_member (list_id, contact_id) SELECT ${list.id}, id FROM contact`);
    await createTemplate(deps, { name: 'Scrape', channel: 'email', subject: 'Hi', text: 'Hello', fromEmail: 'news@example.com', actor: 'bench' });
    const { campaign } = await createCampaign(deps, { name: 'Scrape', channel: 'email', template: 'Scrape', list: 'Scrape', actor: 'bench' });
    const outcome = await runCampaign(deps, { campaignId: campaign.id, actor: 'bench' });
    if (outcome.run?.messages !== size) throw new Error(`metrics-scrape: run built ${outcome.run?.messages}, expected ${size}`);

    const median = async (): Promise<{ ms: number; queued: string }> => {
      const times: number[] = [];
      let body = '';
      for (let i = 0; i < 21; i++) {
        const [scraped, seconds] = await timed(() => app.metrics.scrape());
        times.push(seconds * 1000);
        body = scraped.body;
      }
      times.sort((a, b) => a - b);
      return { ms: times[10]!, queued: /^herald_queue_depth\{channel="email",status="queued"\} (\d+)/m.exec(body)?.[1] ?? '?' };
    };
    const allQueued = await median();
    await db.prisma.$executeRawUnsafe(`UPDATE message SET status = 'delivered' WHERE id % 100 <> 0`);
    await db.prisma.$executeRawUnsafe('VACUUM ANALYZE message');
    const history = await median();
    const plan = await db.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT channel, status::text, count(*) FROM message WHERE status = ANY (ARRAY['queued'::"MessageStatus", 'retrying'::"MessageStatus"]) GROUP BY 1, 2`,
    );
    const usesIndex = plan.some((r) => r['QUERY PLAN'].includes('message_claimable_idx'));
    note(
      `metrics scrape ${engine} ${size}: ${allQueued.ms.toFixed(1)} ms with ${allQueued.queued} queued; ${history.ms.toFixed(1)} ms with ${history.queued} queued ` +
        `in ${size} (queue count ${usesIndex ? 'on' : 'NOT on'} message_claimable_idx)`,
    );
    emit(`metrics_scrape_ms_${engine}_${size}`, history.ms, 'ms', { all_queued_ms: allQueued.ms, queued: Number(history.queued), uses_partial_index: usesIndex ? 1 : 0 });
    await app.close();
  } finally {
    await db.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await metricsScrapeBench((process.argv[2] ?? 'embedded') as Engine, Number(process.argv[3] ?? envNumber('BENCH_METRICS', 100_000)));
  process.exit(0);
}
