import cron from 'node-cron';
import type { DeliveryDeps } from '../domain/delivery/delivery-deps.js';
import { deliveryTick } from '../domain/delivery/delivery-tick.js';

/**
 * The cron side: one thin tick that asks the database what is due (prebuild, start, finish, lease
 * and receipt time-outs). Safe on several replicas: every step is a conditional write.
 */
export function startScheduler(deps: DeliveryDeps, tickMs: number, onTick?: () => void): { stop(): Promise<void> } {
  const seconds = Math.max(1, Math.round(tickMs / 1000));
  const run = async () => {
    try {
      const report = await deliveryTick(deps);
      if (report.started.length || report.prebuilt.length) onTick?.();
    } catch (error) {
      deps.log('scheduler.error', { error: error instanceof Error ? error.message : String(error) }, 'error');
    }
  };
  if (60 % seconds === 0 && seconds < 60) {
    const task = cron.schedule(`*/${seconds} * * * * *`, run, { name: 'delivery-tick', noOverlap: true });
    return { stop: async () => void (await task.stop()) };
  }
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void run().finally(() => (busy = false));
  }, seconds * 1000);
  return { stop: async () => clearInterval(timer) };
}
