import { EMAIL_CHANNEL } from '../../src/domain/channels/channel-spec.js';
/**
 * send_rss_mb_<engine>_<size>: peak RSS (sampled every 100 ms) while the engine sends an audience
 * through a provider that does nothing (measures the engine, not SMTP). Each size runs in a fresh
 * child process so earlier figures (a 1M prebuild) do not inflate it. Sizes: BENCH_SEND (default
 * 200,000) and a quarter of it, to show whether memory stays flat as the audience grows.
 * Herald's Node process only: the database server (embedded or not) runs in its own process.
 * Run alone: npx tsx test/bench/send-rss.ts [embedded|postgres] [size]
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { createCampaign } from '../../src/domain/campaign/create-campaign.js';
import { runCampaign } from '../../src/domain/campaign/run-campaign.js';
import { createTemplate } from '../../src/domain/templates/manage-templates.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../src/domain/ports/channel-provider.js';
import { buildApp } from '../../src/wiring.js';
import { createTestDatabase, type Engine } from '../support/test-database.js';
import { contactsSql, emit, envNumber, HERALD_NODE_FLAGS, note, quietLog, type Emit } from './bench-util.js';

/** Accepts everything at once. */
class NullEmailProvider implements ChannelProvider {
  readonly channel = 'email' as const;
  readonly spec = EMAIL_CHANNEL;
  readonly name = 'null';
  async send(message: OutboundMessage): Promise<SendResult> {
    return { outcome: 'sent', providerMessageId: `null-${message.messageId}`, final: true };
  }
  segments(): number {
    return 1;
  }
  async close(): Promise<void> {}
}

const MB = 1_048_576;

async function measure(engine: Engine, size: number): Promise<void> {
  const db = await createTestDatabase(engine);
  try {
    const app = await buildApp(loadConfig({ EMAIL_RATE_PER_SECOND: '100000', SEND_BATCH_SIZE: '100', SEND_CONCURRENCY: '10' }), {
      database: db,
      providers: { email: new NullEmailProvider() },
      log: quietLog,
    });
    app.setPublicBaseUrl('https://herald.example.com');
    const deps = app.deps;
    await db.prisma.$executeRawUnsafe(contactsSql(size, 'rss.example.com'));
    const list = await deps.contacts.createList({ name: 'Rss', description: '', createdBy: 'bench' });
    await db.prisma.$executeRawUnsafe(`INSERT INTO list_member (list_id, contact_id) SELECT ${list.id}, id FROM contact`);
    await createTemplate(deps, {
      name: 'Rss',
      channel: 'email',
      subject: 'Hi {{ first_name }}',
      text: 'Hello {{ first_name }}, 20% off today. Unsubscribe: {{ unsubscribe_url }}',
      html: '<p>Hello {{ first_name }}, 20% off today.</p>',
      fromEmail: 'news@example.com',
      actor: 'bench',
    });
    const { campaign } = await createCampaign(deps, { name: 'Rss', channel: 'email', template: 'Rss', list: 'Rss', actor: 'bench' });
    const outcome = await runCampaign(deps, { campaignId: campaign.id, actor: 'bench' });
    if (outcome.run?.messages !== size) throw new Error(`send-rss: run built ${outcome.run?.messages}, expected ${size}`);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    let peakHeap = 0;
    const timer = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 100);
    const t = performance.now();
    const sent = await app.worker.drain();
    const seconds = (performance.now() - t) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (sent !== size) throw new Error(`send-rss: drained ${sent}, expected ${size}`);
    const out: Emit = emit;
    note(
      `send ${engine} ${size}: ${seconds.toFixed(1)} s (${(size / seconds).toFixed(0)} msg/s, null provider); RSS before send ${(before / MB).toFixed(0)} MB, ` +
        `peak ${(peak / MB).toFixed(0)} MB; peak JS heap ${(peakHeap / MB).toFixed(0)} MB`,
    );
    out(`send_rss_mb_${engine}_${size}`, peak / MB, 'MB', {
      before_send_mb: before / MB,
      peak_heap_mb: peakHeap / MB,
      msg_per_s: size / seconds,
    });
    await app.close();
  } finally {
    await db.drop();
  }
}

/** Runs each size in its own child process; the child prints its JSON line on the shared stdout. */
export async function sendRssBench(engine: Engine): Promise<void> {
  const big = envNumber('BENCH_SEND', 200_000);
  for (const size of [Math.round(big / 4), big]) {
    await new Promise<void>((resolve, reject) => {
      // Herald's own V8 flags (its heap limit), as `npm start` and the image run it.
      const child = fork(fileURLToPath(import.meta.url), [engine, String(size)], { execArgv: [...process.execArgv, ...HERALD_NODE_FLAGS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`send-rss child (${engine}, ${size}) exited ${code}`))));
    });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const engine = (process.argv[2] ?? 'embedded') as Engine;
  await measure(engine, Number(process.argv[3] ?? envNumber('BENCH_SEND', 200_000)));
  process.exit(0);
}
