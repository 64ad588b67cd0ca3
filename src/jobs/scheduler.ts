import cron from 'node-cron';
import type { DeliveryDeps } from '../domain/delivery/delivery-deps.js';
import { deliveryTick } from '../domain/delivery/delivery-tick.js';

export interface SchedulerOptions {
  /** Called after a tick that started or prebuilt a run, so idle senders wake at once. */
  onTick?: () => void;
  /** Tick once now rather than at the first interval: a service that starts sends what is already due. */
  runAtStart?: boolean;
}

export interface Scheduler {
  /** Starts no more ticks and resolves once the tick in progress, if any, has finished. */
  stop(): Promise<void>;
  /** Whether a tick is running now (what a shutdown past its deadline reports). */
  busy(): boolean;
}

/**
 * The cron side: one thin tick that asks the database what is due (prebuild, start, finish, lease
 * and receipt time-outs). Safe on several replicas: every step is a conditional write. Ticks never
 * overlap, and `stop()` waits for a running one: a tick cut off halfway would go on writing through
 * a database connection the shutdown is closing.
 */
export function startScheduler(deps: DeliveryDeps, tickMs: number, options: SchedulerOptions = {}): Scheduler {
  const seconds = Math.max(1, Math.round(tickMs / 1000));
  let stopped = false;
  let running: Promise<void> | null = null;
  const tick = async () => {
    try {
      const report = await deliveryTick(deps);
      if (report.started.length || report.prebuilt.length) options.onTick?.();
    } catch (error) {
      deps.log('scheduler.error', { error: error instanceof Error ? error.message : String(error) }, 'error');
    }
  };
  // Resolves when this tick (or the one already running, which it skips) is over.
  const run = (): Promise<void> => {
    if (stopped || running) return running ?? Promise.resolve();
    const current = tick().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  let cancel: () => Promise<void>;
  if (60 % seconds === 0 && seconds < 60) {
    // On the wall clock's seconds (every 5 s at :00, :05, …), as cron reads.
    const task = cron.schedule(`*/${seconds} * * * * *`, run, { name: 'delivery-tick', noOverlap: true });
    cancel = async () => void (await task.stop());
  } else {
    const timer = setInterval(() => void run(), seconds * 1000);
    cancel = async () => clearInterval(timer);
  }
  if (options.runAtStart) void run();
  return {
    async stop() {
      stopped = true;
      await cancel();
      await running;
    },
    busy: () => running !== null,
  };
}
