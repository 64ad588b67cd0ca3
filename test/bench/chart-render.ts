/**
 * Chart drawing as reports do it: quickchart-js posts a builder's config (48 hourly buckets, and a
 * funnel) to Herald's own POST /chart over loopback, which draws a 1800 × 900 PNG (900 × 450 at pixel
 * ratio 2). Figures, in one process: chart_render_ms (median of one chart, request to PNG) and
 * chart_loop_block_ms (the longest the event loop was held meanwhile: drawing runs on it).
 * Run: npx tsx test/bench/chart-render.ts   (BENCH_CHARTS, default 30 of each kind)
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { QuickChartRenderer } from '../../src/adapters/charts/quickchart-renderer.js';
import { activityChart, funnelChart } from '../../src/domain/reports/charts.js';
import { createHttpServer, type HttpServerDeps } from '../../src/http/http-server.js';
import { emit, envNumber, note } from './bench-util.js';

const N = envNumber('BENCH_CHARTS', 30);
const unused = new Proxy({}, { get: () => () => { throw new Error('not used by /chart'); } });
const deps = { clock: { now: () => new Date(0) }, receipts: unused, suppressions: unused, unsubscribes: unused, signer: unused } as unknown as HttpServerDeps;
const server = createHttpServer(deps, { publicBaseUrl: null, twilio: null });
const { port } = await server.listen(0, '127.0.0.1');
const renderer = new QuickChartRenderer({ baseUrl: `http://127.0.0.1:${port}` });

const start = Date.UTC(2026, 11, 1, 8);
const points = Array.from({ length: 48 }, (_, h) => ({ at: new Date(start + h * 3_600_000), sent: h < 4 ? 2500 : 0, opens: Math.round(900 * Math.exp(-h / 6)), clicks: Math.round(200 * Math.exp(-h / 5)) }));
const specs = [
  activityChart({ campaign: { id: 1, name: 'Bench campaign' }, timeZone: 'Europe/Paris', series: { bucket: 'hour', points } }),
  funnelChart({ campaign: { id: 1, name: 'Bench campaign' }, funnel: { delivered: 10_000, opened: 4200, clicked: 800 } }),
];

for (const spec of specs) await renderer.render(spec); // warm-up: fonts, JIT
const times: number[] = [];
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
for (let i = 0; i < N; i++) {
  for (const spec of specs) {
    const t = performance.now();
    const result = await renderer.render(spec);
    if (!result.ok) throw new Error(result.reason);
    times.push(performance.now() - t);
  }
}
loop.disable();
times.sort((a, b) => a - b);
emit('chart_render_ms', times[Math.floor(times.length / 2)]!, 'ms', { p95: times[Math.ceil(times.length * 0.95) - 1]!, charts: times.length, size: '1800x900' });
emit('chart_loop_block_ms', loop.max / 1e6, 'ms', { p99: loop.percentile(99) / 1e6, p50: loop.percentile(50) / 1e6 });
note(`chart render: ${times.length} charts, median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms`);
await server.close();
process.exit(0);
