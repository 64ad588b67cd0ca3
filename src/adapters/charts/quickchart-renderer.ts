import type quickchart from 'quickchart-js';
import type { ChartRenderer, ChartRendering, ChartSpec } from '../../domain/ports/chart-renderer.js';

// The package's types describe its CommonJS build (the class under `.default`); Node loads its ES
// module build, whose default export is the class itself. Loaded at the first chart (it brings
// cross-fetch and javascript-stringify): an idle Herald draws none.
let quickChartClass: Promise<typeof quickchart.default> | null = null;
const loadQuickChart = () => (quickChartClass ??= import('quickchart-js').then((m) => m.default as unknown as typeof quickchart.default));

export interface QuickChartRendererOptions {
  /** The QuickChart server, without `/chart`: hosted (https://quickchart.io), self-hosted, or Herald's own. */
  baseUrl: string;
  /** 2 draws twice the spec's size in pixels, sharp on today's screens (Herald's /chart allows up to 2000 px a side). */
  devicePixelRatio?: number;
  /** How long a chart may take before the report goes on without it. */
  timeoutMs?: number;
}

export const QUICKCHART_TIMEOUT_MS = 10_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Draws charts with quickchart-js: `toBinary()` POSTs the config to `<baseUrl>/chart`. The config is
 * sent as a JSON string (not quickchart-js's JavaScript rendering of an object), so a server that
 * reads configs as data only, such as Herald's own, accepts it.
 */
export class QuickChartRenderer implements ChartRenderer {
  private readonly scheme: string;
  private readonly host: string;
  private readonly devicePixelRatio: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: QuickChartRendererOptions) {
    const url = new URL(options.baseUrl);
    this.scheme = url.protocol.replace(/:$/, '');
    // quickchart-js joins `${scheme}://${host}/chart`, so a path prefix (a server behind /qc) rides on the host.
    this.host = `${url.host}${url.pathname.replace(/\/+$/, '')}`;
    this.devicePixelRatio = options.devicePixelRatio ?? 2;
    this.timeoutMs = options.timeoutMs ?? QUICKCHART_TIMEOUT_MS;
  }

  async render(spec: ChartSpec): Promise<ChartRendering> {
    const QuickChart = await loadQuickChart();
    const chart = new QuickChart()
      .setScheme(this.scheme)
      .setHost(this.host)
      .setConfig(JSON.stringify(spec.config))
      .setWidth(spec.width)
      .setHeight(spec.height)
      .setDevicePixelRatio(this.devicePixelRatio)
      .setBackgroundColor('#ffffff')
      .setFormat('png')
      .setVersion('4');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
      timer.unref();
    });
    try {
      const png = await Promise.race([chart.toBinary(), timeout]);
      if (png === 'timeout') return { ok: false, reason: `the chart service at ${this.options.baseUrl} did not answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`}` };
      if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) return { ok: false, reason: `the chart service at ${this.options.baseUrl} answered with something that is not a PNG` };
      return { ok: true, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
    } catch (error) {
      return { ok: false, reason: describeFailure(this.options.baseUrl, error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** quickchart-js says "Chart creation failed with status code 400\n<X-QuickChart-Error>"; fetch says why a connection failed. */
function describeFailure(baseUrl: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const refused = /status code (\d+)\n?(.*)/s.exec(message);
  if (refused) return `the chart service at ${baseUrl} refused the chart (HTTP ${refused[1]}${refused[2] ? `: ${refused[2].trim().slice(0, 300)}` : ''})`;
  return `the chart service at ${baseUrl} could not be reached (${message.slice(0, 200)})`;
}
