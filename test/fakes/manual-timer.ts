import type { PosterTimer } from '../../src/slack/channels/slack-channel-poster.js';

/** A timer tests move by hand: `sleep` resolves only when `advance` passes its time; no test waits in real time. */
export class ManualTimer implements PosterTimer {
  private current = 0;
  private sleepers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ at: this.current + ms, resolve }));
  }

  /** How many callers are waiting (a queue paced or held by a Retry-After). */
  get waiting(): number {
    return this.sleepers.length;
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.at <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const s of due) s.resolve();
  }
}
