import { Worker } from 'node:worker_threads';
import type { ChartRequest } from './chart-request.js';
import { ChartDrawError, ChartFontsError } from './draw-errors.js';
import type { DrawAnswer, DrawJob } from './draw-worker.js';

/** A worker idle this long is stopped: Chart.js and a canvas hold some 40 MB that a quiet Herald does not need. */
export const CHART_WORKER_IDLE_MS = 60_000;

/**
 * Draws charts in one worker thread, started at the first chart and stopped when idle (unref'd, so it
 * never holds the process open); a worker that dies fails what it was drawing and is replaced at the
 * next chart.
 */
export class ChartDrawer {
  private worker: Worker | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  /** The charts being drawn, each with the worker drawing it (a stopping worker fails its own only). */
  private readonly pending = new Map<number, { worker: Worker; resolve: (png: Buffer) => void; reject: (error: Error) => void }>();
  private seq = 0;

  /** idleMs: how long the worker is kept after its last chart (CHART_WORKER_IDLE_MS). */
  constructor(private readonly options: { idleMs?: number } = {}) {}

  /** Whether a worker thread (with Chart.js and the canvas loaded) is there now. */
  get running(): boolean {
    return this.worker !== null;
  }

  draw(request: ChartRequest): Promise<Buffer> {
    clearTimeout(this.idleTimer);
    const worker = this.worker ?? this.start();
    const id = ++this.seq;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, request } satisfies DrawJob);
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    // From dist/ the worker is JavaScript. From the sources (tsx, tests) it is TypeScript: the worker
    // registers tsx's loader in its own thread first (Node 20 does not apply `--import` to a worker's entry).
    const fromSources = import.meta.url.endsWith('.ts');
    const entry = new URL(`./draw-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
    const worker = fromSources
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true })
      : new Worker(entry);
    worker.unref();
    worker.on('message', (answer: DrawAnswer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if (this.pending.size === 0) {
        this.idleTimer = setTimeout(() => void this.close(), this.options.idleMs ?? CHART_WORKER_IDLE_MS);
        this.idleTimer.unref();
      }
      if ('png' in answer) waiting.resolve(Buffer.from(answer.png.buffer, answer.png.byteOffset, answer.png.byteLength));
      else waiting.reject(answer.fonts ? new ChartFontsError(answer.error) : answer.draw ? new ChartDrawError(answer.error) : new Error(answer.error));
    });
    // An idle worker stopped by close() may exit after the next chart started a new one: only the
    // charts this worker was drawing fail with it.
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const [id, waiting] of this.pending) {
        if (waiting.worker !== worker) continue;
        this.pending.delete(id);
        waiting.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the chart worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
