import type { HttpLogger, HttpRoute } from '../route.js';
import { sendText } from '../reply.js';

/** Renders the metrics in Prometheus' text format (prom-client's registry, from wiring). */
export type MetricsScrape = () => Promise<{ contentType: string; body: string }>;

/** `GET /metrics` for Prometheus. Counts only, no recipients or secrets: safe beside /healthz. */
export function metricsRoute(scrape: MetricsScrape, log?: HttpLogger): HttpRoute {
  return {
    method: 'GET',
    path: '/metrics',
    async handler(_req, res) {
      try {
        const { contentType, body } = await scrape();
        sendText(res, 200, body, contentType);
      } catch (error) {
        log?.error('metrics scrape failed', { error: error instanceof Error ? error.message : String(error) });
        sendText(res, 500, 'metrics unavailable');
      }
    },
  };
}
