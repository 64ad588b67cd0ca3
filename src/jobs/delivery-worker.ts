import type { Channel } from '../domain/campaign/campaign.js';
import type { DeliveryDeps } from '../domain/delivery/delivery-deps.js';
import { deliveryTick } from '../domain/delivery/delivery-tick.js';
import { sendRunBatch } from '../domain/delivery/send-batch.js';

/** One claimed batch that is being sent and recorded. */
export interface BatchInFlight {
  channel: Channel;
  campaignId: number;
  runId: number;
}

export interface DeliveryWorkerOptions {
  /** Names this process in message leases (host:pid:random). */
  owner: string;
  /** How long an idle lane waits before asking the database again. */
  idleMs: number;
  /** Batches in flight per channel; two keep the provider busy while a batch's outcomes are written. */
  lanes?: number;
  /** Whether a process of this host is alive (to end the leases of one that died). */
  isAlive: (pid: number) => boolean;
}

/**
 * The sending loop: per channel, a few lanes that each claim a batch of a sending run, send it and
 * record it, until nothing is due. Thin: the rules live in domain/delivery. `stop()` lets the batches
 * in flight finish, so a clean shutdown leaves nothing `unknown`.
 */
export class DeliveryWorker {
  private stopping = false;
  private loops: Promise<void>[] = [];
  /** A drain in progress (script mode sends this way): `stop()` waits for it too. */
  private draining: Promise<number> | null = null;
  private wakeUp: (() => void)[] = [];
  /** Batches being sent now, for a shutdown to say what it waits for (or left behind at its deadline). */
  private readonly batches = new Set<BatchInFlight>();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly options: DeliveryWorkerOptions,
  ) {}

  private channels(): Channel[] {
    return (Object.keys(this.deps.providers) as Channel[]).filter((c) => this.deps.providers[c]);
  }

  /** One batch for every sending run of every channel; returns how many messages were claimed. */
  async runOnce(): Promise<number> {
    let claimed = 0;
    for (const channel of this.channels()) claimed += await this.sendChannel(channel);
    return claimed;
  }

  /**
   * Ticks and sends until nothing is due now (tests, and the console's script mode before it exits).
   * One lane by default, so tests see batches in order; more lanes overlap one batch's database
   * writes with another's sends, as the running worker does.
   */
  async drain(options: { lanes?: number } = {}): Promise<number> {
    const draining = this.drainRounds(Math.max(1, options.lanes ?? 1));
    this.draining = draining;
    try {
      return await draining;
    } finally {
      if (this.draining === draining) this.draining = null;
    }
  }

  private async drainRounds(lanes: number): Promise<number> {
    let total = 0;
    while (!this.stopping) {
      // The tick starts what became due (and completes what finished) between rounds of sending.
      await deliveryTick(this.deps);
      const perLane = await Promise.all(this.channels().flatMap((channel) => Array.from({ length: lanes }, () => this.untilIdle(channel))));
      const claimed = perLane.reduce((a, b) => a + b, 0);
      total += claimed;
      if (claimed === 0) break;
    }
    return total;
  }

  private async untilIdle(channel: Channel): Promise<number> {
    let total = 0;
    for (let claimed = await this.sendChannel(channel); claimed > 0; claimed = await this.sendChannel(channel)) total += claimed;
    return total;
  }

  /** One batch per sending run of the channel; none once stopping (the batches in flight finish). */
  private async sendChannel(channel: Channel): Promise<number> {
    let claimed = 0;
    for (const run of await this.deps.delivery.activeRuns(channel)) {
      if (this.stopping) break;
      const batch: BatchInFlight = { channel, campaignId: run.campaignId, runId: run.runId };
      this.batches.add(batch);
      try {
        claimed += await sendRunBatch(this.deps, run, this.options.owner);
      } finally {
        this.batches.delete(batch);
      }
    }
    return claimed;
  }

  /** The batches being sent right now (claimed, not yet all recorded). */
  inFlight(): BatchInFlight[] {
    return [...this.batches];
  }

  /**
   * Leases held by an earlier process on this host that is no longer alive end now (their messages
   * become `unknown`), instead of when the lease runs out: a restart after a crash resumes at once.
   */
  async recoverDeadOwners(isAlive: (pid: number) => boolean = this.options.isAlive): Promise<number> {
    const [host] = this.options.owner.split(':');
    let expired = 0;
    for (const owner of await this.deps.delivery.inFlightOwners()) {
      const [ownerHost, pid] = owner.split(':');
      if (ownerHost !== host || owner === this.options.owner || !pid) continue;
      // Our own pid under another owner is an earlier incarnation (a restarted container is pid 1 again).
      if (Number(pid) !== process.pid && isAlive(Number(pid))) continue;
      const { unknown, requeued } = await this.deps.delivery.expireLeasesOf(owner, this.deps.campaign.clock.now());
      this.deps.log('delivery.recovered', {
        owner,
        unknown,
        requeued,
        why: 'the process holding these messages died mid-send: unknown ones were with the provider, the others go out again',
      }, unknown > 0 ? 'warn' : 'info');
      if (unknown > 0) this.deps.campaign.notifier.notify({ kind: 'delivery.unknown', count: unknown, why: 'process_died', owner, at: this.deps.campaign.clock.now() });
      expired += unknown + requeued;
    }
    return expired;
  }

  start(): void {
    const lanes = this.options.lanes ?? 2;
    for (const channel of this.channels()) {
      for (let lane = 0; lane < lanes; lane++) this.loops.push(this.loop(channel));
    }
  }

  /** Wakes idle lanes now (after a launch or a retry), instead of at their next poll. */
  wake(): void {
    for (const resolve of this.wakeUp.splice(0)) resolve();
  }

  private async loop(channel: Channel): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.sendChannel(channel);
      } catch (error) {
        this.deps.log('delivery.error', { channel, error: error instanceof Error ? error.message : String(error) }, 'error');
      }
      if (claimed === 0 && !this.stopping) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.idleMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp.push(done);
    });
  }

  /** Claims nothing more and waits for the batches in flight (the lanes' and a drain's) to be recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
    await this.draining?.catch(() => 0);
  }
}
