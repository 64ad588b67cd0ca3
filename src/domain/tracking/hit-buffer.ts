import type { Hit } from './classify-hit.js';

export interface HitBufferOptions {
  /** Hits per write (a full batch is written at once, not after the interval). */
  maxBatch: number;
  /** The longest a hit waits before it is written. */
  intervalMs: number;
  /** Hits held while the database cannot take them; past it the oldest are dropped (and said). */
  maxPending: number;
  onError(error: unknown, pending: number): void;
  onDropped(count: number): void;
}

/**
 * Tracking hits answered at once and written in batches: a burst costs the HTTP edge an array push
 * per hit and the database one statement per batch, so it neither slows sending (which shares the
 * pool) nor the responses. A failed write keeps its hits for the next attempt; `close` writes
 * everything still held (the shutdown path of serve mode), so a SIGTERM loses nothing.
 */
export class HitBuffer {
  private pending: Hit[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** A write of full batches is queued or running: more hits join it rather than queue their own. */
  private fullQueued = false;
  private closed = false;

  constructor(
    private readonly write: (batch: Hit[]) => Promise<void>,
    private readonly options: HitBufferOptions,
  ) {}

  get size(): number {
    return this.pending.length;
  }

  add(hit: Hit): void {
    this.pending.push(hit);
    if (this.pending.length > this.options.maxPending) {
      const drop = this.pending.length - this.options.maxPending;
      this.pending.splice(0, drop);
      this.options.onDropped(drop);
    }
    if (this.pending.length >= this.options.maxBatch) {
      // One queued write for all the hits that fill batches meanwhile: a write per hit past the
      // batch size would each find a few dozen hits (those since the previous write) and write them
      // as a batch of their own, paying the statement's cost per batch many times over.
      if (!this.fullQueued) {
        this.fullQueued = true;
        const run = this.writing.then(() => this.drain(true));
        this.writing = run.catch(() => {});
        void run.catch(() => {});
      }
    } else this.startTimer();
  }

  private startTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => {});
    }, this.options.intervalMs);
    this.timer.unref?.();
  }

  /** Writes what is held now, one batch after another (never two writes at once); rejects if a write fails. */
  flush(): Promise<void> {
    const run = this.writing.then(() => this.drain(false));
    this.writing = run.catch(() => {});
    return run;
  }

  /** Stops the timer and writes everything held; tries `attempts` times before giving up (and saying so). */
  async close(attempts = 3): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (let i = 1; ; i++) {
      try {
        await this.flush();
        return;
      } catch (error) {
        if (i >= attempts) throw error;
      }
    }
  }

  /**
   * Writes batch after batch: what is held when it starts (or, `fullOnly`, full batches only), then
   * any full batches that have come in meanwhile; after close, everything. Hits arriving during the
   * writes wait for a batch of their own or the timer: chasing them would keep a steady load's
   * writes at the few dozen hits that each write lets in, and the database pays per statement.
   */
  private async drain(fullOnly: boolean): Promise<void> {
    let held = fullOnly ? 0 : this.pending.length;
    try {
      while (this.pending.length > 0 && (held > 0 || this.pending.length >= this.options.maxBatch || this.closed)) {
        const batch = this.pending.splice(0, this.options.maxBatch);
        held -= batch.length;
        try {
          await this.write(batch);
        } catch (error) {
          // Back in front, in order: the next flush (the timer, a full batch, close) tries them again.
          this.pending.unshift(...batch);
          this.options.onError(error, this.pending.length);
          throw error;
        }
      }
    } finally {
      if (fullOnly) this.fullQueued = false;
      // What is left short of a batch (or failed) is written by the timer, at most intervalMs from now.
      if (this.pending.length > 0) this.startTimer();
    }
  }
}
