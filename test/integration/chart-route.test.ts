import http from 'node:http';
import type { AddressInfo } from 'node:net';
import quickchart from 'quickchart-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuickChartRenderer } from '../../src/adapters/charts/quickchart-renderer.js';
import { chartServiceUrl, loadConfig } from '../../src/config.js';
import { activityChart, compareFunnelChart, funnelChart } from '../../src/domain/reports/charts.js';
import { createHttpServer, type HttpServerDeps, type HttpServerHandle } from '../../src/http/http-server.js';

const QuickChart = quickchart as unknown as typeof quickchart.default;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Ports the /chart route never calls: any use fails the test loudly. */
function unused<T>(name: string): T {
  return new Proxy({}, { get: (_t, key) => () => { throw new Error(`/chart must not use ${name}.${String(key)}`); } }) as T;
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), after checking the signature. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

const LINE = {
  type: 'line',
  data: { labels: ['09:00', '10:00', '11:00', '12:00'], datasets: [{ label: 'Human opens', data: [3, 9, 4, 1], borderColor: '#f28e2b' }] },
  options: { plugins: { title: { display: true, text: 'Opens per hour' } } },
};
const BAR = { type: 'bar', data: { labels: ['Delivered', 'Opened', 'Clicked'], datasets: [{ label: 'Recipients', data: [1000, 420, 80] }] } };

describe('Herald’s own QuickChart-compatible POST /chart (running HTTP server)', () => {
  let server: HttpServerHandle;
  let base: string;
  const logged: { message: string; context: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    const deps: HttpServerDeps = {
      clock: { now: () => new Date('2026-12-01T09:00:00Z') },
      receipts: unused('receipts'),
      suppressions: unused('suppressions'),
      unsubscribes: unused('unsubscribes'),
      signer: unused('signer'),
      log: { info: (message, context) => void logged.push({ message, context }), warn: () => {}, error: (message, context) => void logged.push({ message, context }) },
    };
    server = createHttpServer(deps, { publicBaseUrl: null, twilio: null });
    base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
  });
  afterAll(() => server.close());

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/chart`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  async function refused(response: Response, status: number, pattern: RegExp): Promise<string> {
    const text = await response.text();
    expect({ status: response.status, text }).toMatchObject({ status });
    expect(text).toMatch(pattern);
    // QuickChart's clients (quickchart-js among them) read the reason from this header.
    expect(response.headers.get('x-quickchart-error')).toBeTruthy();
    return text;
  }

  it('draws a line chart (config as a JSON object) as a PNG of the asked size', async () => {
    const response = await post({ chart: LINE, width: 640, height: 320 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = new Uint8Array(await response.arrayBuffer());
    expect(pngSize(png)).toEqual({ width: 640, height: 320 });
    // A drawn chart, not an empty canvas: axes, line and text take more than a blank PNG's few hundred bytes.
    expect(png.length).toBeGreaterThan(5_000);
    expect(logged.some((l) => l.message === 'chart drawn' && l.context.type === 'line')).toBe(true);
  });

  it('draws a bar chart (config as a string holding JSON) at devicePixelRatio 2, on the asked background', async () => {
    const response = await post({ chart: JSON.stringify(BAR), width: 400, height: 250, devicePixelRatio: 2, backgroundColor: 'rgb(250, 250, 250)', format: 'png', version: '4' });
    expect(response.status).toBe(200);
    expect(pngSize(new Uint8Array(await response.arrayBuffer()))).toEqual({ width: 800, height: 500 });
  });

  it('uses QuickChart’s default size (500 × 300) when none is given', async () => {
    const response = await post({ chart: BAR });
    expect(pngSize(new Uint8Array(await response.arrayBuffer()))).toEqual({ width: 500, height: 300 });
  });

  it('refuses a config string holding JavaScript functions, and never runs them', async () => {
    const g = globalThis as { heraldChartRan?: boolean };
    const js = `{type:'bar',data:{labels:['a'],datasets:[{label:'x',data:[1]}]},options:{scales:{y:{ticks:{callback:function(v){globalThis.heraldChartRan=true;return v}}}},plugins:{x:(()=>{globalThis.heraldChartRan=true})()}}}`;
    await refused(await post({ chart: js }), 400, /holds JavaScript \(a function\).*never runs code/);
    await refused(await post({ chart: '{"type":"bar","data":{"datasets":[]},"x":() => 1}' }), 400, /holds JavaScript/);
    expect(g.heraldChartRan).toBeUndefined();
  });

  it('refuses a JavaScript object literal (what quickchart-js sends for an object config) as not JSON, saying how to fix it', async () => {
    const literal = new QuickChart().setConfig(BAR as never).getPostData().chart;
    expect(literal).toMatch(/^\{type:'bar'/);
    await refused(await post({ chart: literal }), 400, /"chart" is not valid JSON .*object literals such as \{type:'bar'\} are not read/);
  });

  it('refuses bodies that are not JSON, not a JSON object, or not sent as JSON', async () => {
    await refused(await post('{"chart": {"type": "bar"'), 400, /^The request body is not valid JSON/);
    await refused(await post('[1,2]'), 400, /must be a JSON object/);
    await refused(await post({ width: 300 }), 400, /has no "chart"/);
    await refused(await post('chart=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /as JSON \(Content-Type: application\/json\), not application\/x-www-form-urlencoded/);
  });

  it('refuses sizes over 2000 px a side (counting the pixel ratio) and silly sizes, naming the field', async () => {
    await refused(await post({ chart: BAR, width: 2001, height: 300 }), 400, /^width 2001 is outside 10 to 2000 px/);
    await refused(await post({ chart: BAR, width: 1500, height: 300, devicePixelRatio: 2 }), 400, /^width 1500 × devicePixelRatio 2 is 3000 px, over the 2000 px limit/);
    await refused(await post({ chart: BAR, width: 500, height: 1200, devicePixelRatio: 2 }), 400, /^height 1200 × devicePixelRatio 2 is 2400 px/);
    await refused(await post({ chart: BAR, width: 'wide' }), 400, /^width must be a whole number/);
    await refused(await post({ chart: BAR, devicePixelRatio: 10 }), 400, /^devicePixelRatio must be a number from 0.5 to 4/);
    await refused(await post({ chart: BAR, backgroundColor: 'url(javascript:alert(1))' }), 400, /^backgroundColor must be a CSS colour/);
  });

  it('refuses a body over 1 MB, whether it says its length or not', async () => {
    const big = JSON.stringify({ chart: BAR, padding: 'x'.repeat(1024 * 1024) });
    expect((await post(big)).status).toBe(413);
    // Sent in chunks with no Content-Length: the route stops reading at the limit.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${base}/chart`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
      req.end();
    });
    expect(status).toBe(413);
    expect(text).toBe('The chart request is over 1 MB.');
  });

  it('refuses what it does not draw: other formats and Chart.js versions, unknown types, time scales, too many points', async () => {
    await refused(await post({ chart: BAR, format: 'svg' }), 400, /format "svg" is not drawn here: .*PNG only/);
    await refused(await post({ chart: BAR, version: '2.9.4' }), 400, /version "2.9.4" is not drawn here: .*Chart.js 4/);
    await refused(await post({ chart: { ...BAR, type: 'radar' } }), 400, /chart type "radar" is not drawn here: Herald's \/chart draws bar, line, pie, doughnut/);
    await refused(await post({ chart: { type: 'bar', data: { datasets: [{ type: 'bubble', data: [] }] } } }), 400, /datasets\[0\]\.type "bubble" is not drawn here/);
    await refused(await post({ chart: { ...BAR, options: { scales: { x: { type: 'time' } } } } }), 400, /^Chart.js could not draw this config: "time" is not a registered scale/);
    const many = { type: 'line', data: { labels: [], datasets: [{ label: 'x', data: Array.from({ length: 20_001 }, (_, i) => i) }] } };
    await refused(await post({ chart: many }), 400, /20001 labels and data points, over the 20000 limit/);
  });

  it('refuses keys that would reach object prototypes', async () => {
    await refused(await post('{"chart": {"type": "bar", "data": {"datasets": []}, "options": {"__proto__": {"polluted": true}}}}'), 400, /The key "__proto__" is not allowed/);
    await refused(await post({ chart: '{"type":"bar","data":{"datasets":[]},"constructor":{"prototype":{}}}' }), 400, /The key "(prototype|constructor)" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('takes two charts at a time and asks a third to come back (503 with Retry-After)', async () => {
    // Two requests whose bodies are still to come hold both places. Each asks for 100 Continue, which
    // Node's server sends as it hands the request to the route: once it arrives, the place is taken.
    const held: { req: http.ClientRequest; answered: Promise<number> }[] = [];
    for (let i = 0; i < 2; i++) {
      let answer!: (status: number) => void;
      const answered = new Promise<number>((r) => (answer = r));
      const req = http.request(`${base}/chart`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', expect: '100-continue' } }, (res) => {
        res.resume();
        res.on('end', () => answer(res.statusCode!));
      });
      req.flushHeaders();
      await new Promise<void>((resolve) => req.once('continue', resolve));
      held.push({ req, answered });
    }
    const third = await post({ chart: BAR });
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.text()).toBe('Herald is drawing 2 charts already; try again in a second.');
    for (const { req } of held) req.end(JSON.stringify({ chart: BAR }));
    expect(await Promise.all(held.map((h) => h.answered))).toEqual([200, 200]);
    expect((await post({ chart: BAR })).status).toBe(200);
  });

  it('answers this machine only: a request passed on by a proxy is refused', async () => {
    await refused(await post({ chart: BAR }, { 'x-forwarded-for': '203.0.113.9' }), 403, /draws charts for Herald on this machine only/);
    const get = await fetch(`${base}/chart`);
    expect(get.status).toBe(405);
  });

  describe('quickchart-js talking to Herald’s own /chart over loopback', () => {
    it('renders the report charts through QuickChartRenderer at the configured base URL (default: Herald’s own)', async () => {
      const port = Number(new URL(base).port);
      const local = chartServiceUrl(loadConfig({ HTTP_HOST: '0.0.0.0' }, '/tmp'), port);
      expect(local).toBe(`http://127.0.0.1:${port}`);
      const configured = chartServiceUrl(loadConfig({ QUICKCHART_URL: `${base}/` }, '/tmp'), 1);
      expect(configured).toBe(base);
      const renderer = new QuickChartRenderer({ baseUrl: configured });
      const specs = [
        activityChart({
          campaign: { id: 12, name: 'Spring sale' },
          timeZone: 'Europe/Paris',
          series: { bucket: 'hour', points: [{ at: new Date('2026-12-01T08:00:00Z'), sent: 500, opens: 40, clicks: 5 }, { at: new Date('2026-12-01T11:00:00Z'), sent: 0, opens: 90, clicks: 20 }] },
        }),
        funnelChart({ campaign: { id: 12, name: 'Spring sale' }, funnel: { delivered: 980, opened: 400, clicked: 75 } }),
        compareFunnelChart({ campaigns: [{ campaign: { id: 12, name: 'Spring sale' }, funnel: { delivered: 980, opened: 400, clicked: 75 } }, { campaign: { id: 13, name: 'Winter sale' }, funnel: { delivered: 50, opened: 30, clicked: 2 } }] }),
      ];
      for (const spec of specs) {
        const result = await renderer.render(spec);
        if (!result.ok) throw new Error(result.reason);
        // Drawn at pixel ratio 2: twice the spec's size, within the server's 2000 px.
        expect(pngSize(result.png)).toEqual({ width: spec.width * 2, height: spec.height * 2 });
      }
    });

    it('returns the server’s reason as a value when it refuses, and says when it cannot be reached', async () => {
      const tooBig = new QuickChartRenderer({ baseUrl: base, devicePixelRatio: 4 });
      const spec = funnelChart({ campaign: { id: 1, name: 'x' }, funnel: { delivered: 1, opened: 1, clicked: 0 } });
      expect(await tooBig.render(spec)).toEqual({ ok: false, reason: `the chart service at ${base} refused the chart (HTTP 400: width 900 x devicePixelRatio 4 is 3600 px, over the 2000 px limit.)` });
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const result = await new QuickChartRenderer({ baseUrl: gone }).render(spec);
      expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`^the chart service at ${gone} could not be reached \\(.*ECONNREFUSED`)) });
    });

    it('gives up on a server that never answers, and on one that answers with something other than a PNG', async () => {
      const sockets = new Set<import('node:net').Socket>();
      const odd = http.createServer((req, res) => {
        if (req.url === '/slow/chart') return; // never answers
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy sign-in</html>');
      });
      odd.on('connection', (s) => sockets.add(s));
      await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
      const oddBase = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
      try {
        const spec = funnelChart({ campaign: { id: 1, name: 'x' }, funnel: { delivered: 1, opened: 1, clicked: 0 } });
        expect(await new QuickChartRenderer({ baseUrl: `${oddBase}/slow`, timeoutMs: 50 }).render(spec)).toEqual({ ok: false, reason: `the chart service at ${oddBase}/slow did not answer within 50 ms` });
        expect(await new QuickChartRenderer({ baseUrl: oddBase }).render(spec)).toEqual({ ok: false, reason: `the chart service at ${oddBase} answered with something that is not a PNG` });
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => odd.close(() => resolve()));
      }
    });
  });
});
