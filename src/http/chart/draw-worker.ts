import { parentPort } from 'node:worker_threads';
import type { ChartRequest } from './chart-request.js';
import { drawChart } from './draw-chart.js';
import { ChartDrawError, ChartFontsError } from './draw-errors.js';

/** One chart to draw, and the answer: the PNG's bytes, or why not (`draw`: the config's fault, a 400; `fonts`: none on this machine). */
export interface DrawJob {
  id: number;
  request: ChartRequest;
}
export type DrawAnswer = { id: number; png: Uint8Array } | { id: number; error: string; draw: boolean; fonts?: boolean };

// Runs in a worker thread so that Chart.js's drawing (100+ ms for a large chart) never holds the
// HTTP edge's event loop, where tracking hits and Slack acks are answered.
parentPort?.on('message', (job: DrawJob) => {
  drawChart(job.request).then(
    (png) => {
      const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
      parentPort!.postMessage({ id: job.id, png: bytes } satisfies DrawAnswer);
    },
    (error: unknown) => parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error), draw: error instanceof ChartDrawError, fonts: error instanceof ChartFontsError } satisfies DrawAnswer),
  );
});
