import { describe, expect, it } from 'vitest';
import type { DeliveryDeps } from '../../src/domain/delivery/delivery-deps.js';
import { NO_DELIVERY_METRICS } from '../../src/domain/ports/delivery-metrics.js';
import type { DeliveryStore } from '../../src/domain/ports/delivery-store.js';
import { NodeCronSchedule } from '../../src/adapters/cron/node-cron-schedule.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { MemoryJobClaims } from '../fakes/memory-job-claims.js';

/**
 * Deps for a tick that blocks in its first step (the lease sweep) until `release()`, and records
 * each step it reaches: a tick cut off by a shutdown would stop before `finishedRuns`.
 */
function blockingTickDeps() {
  const steps: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  const store: Partial<DeliveryStore> = {
    async expireLeases() {
      steps.push('expireLeases');
      entered();
      await released;
      return { unknown: 0, requeued: 0 };
    },
    assumeDelivered: async () => (steps.push('assumeDelivered'), 0),
    dueForPrebuild: async () => [],
    dueToStart: async () => [],
    closeHaltedRuns: async () => void steps.push('closeHaltedRuns'),
    reopenedRunsOfCompletedCampaigns: async () => [],
    finishedRuns: async () => (steps.push('finishedRuns'), []),
  };
  const deps = {
    campaign: { clock: new FixedClock(new Date('2026-03-01T09:00:00Z')), cron: new NodeCronSchedule(), config: { prebuildLeadMs: 0, accountTimeZone: 'UTC' } },
    delivery: store,
    config: { smsReceiptTimeoutMs: 60_000 },
    metrics: NO_DELIVERY_METRICS,
    log: (event: string, fields: Record<string, unknown>) => steps.push(`${event} ${JSON.stringify(fields)}`),
  } as unknown as DeliveryDeps;
  return { deps, steps, started, release };
}

/** Lets every pending callback and promise run, without waiting for any wall-clock time. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const scheduler = (deps: DeliveryDeps, tickMs: number) => createScheduler({ delivery: deps, claims: new MemoryJobClaims(), owner: 'test:1:a', tickMs });

describe('scheduler: stop() waits for the tick in progress', () => {
  it('does not resolve while a tick runs, resolves once it has finished every step, and starts no other tick', async () => {
    const { deps, steps, started, release } = blockingTickDeps();
    // A long interval: the only tick is the one at start.
    const jobs = scheduler(deps, 3_600_000);
    void jobs.fire('delivery-tick');
    await started;
    expect(jobs.busy()).toEqual(['delivery-tick']);

    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);

    release();
    await stopping;
    expect(steps).toEqual(['expireLeases', 'assumeDelivered', 'closeHaltedRuns', 'finishedRuns']);
    expect(jobs.busy()).toEqual([]);
  });

  it('with no tick running, stop() resolves at once, and no tick runs at start unless asked', async () => {
    const { deps, steps } = blockingTickDeps();
    const jobs = scheduler(deps, 3_600_000);
    expect(jobs.busy()).toEqual([]);
    await jobs.stop();
    expect(steps).toEqual([]);
  });

  it('waits for a tick fired by cron too (the every-few-seconds schedule)', async () => {
    const { deps, started, release, steps } = blockingTickDeps();
    const jobs = scheduler(deps, 1000);
    // The registry reads the slot from the injected clock; node-cron only says when to look.
    (deps.campaign.clock as FixedClock).set(new Date());
    jobs.start();
    // node-cron fires at the next whole second.
    await started;
    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(steps.at(-1)).toBe('finishedRuns');
  });
});
