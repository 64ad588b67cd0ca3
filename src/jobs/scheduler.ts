import { expireApprovals, finishApprovedCancels } from '../domain/campaign/cancel-campaign.js';
import type { DeliveryDeps } from '../domain/delivery/delivery-deps.js';
import { deliveryTick } from '../domain/delivery/delivery-tick.js';
import type { JobClaims } from '../domain/ports/job-claims.js';
import { everySeconds, JobRegistry, type Firing, type JobDefinition } from './job-registry.js';

export interface SchedulerOptions {
  delivery: DeliveryDeps;
  claims: JobClaims;
  /** Names this process in the claims (host:pid:random). */
  owner: string;
  /** How often the delivery tick runs (SCHEDULER_TICK_SECONDS). */
  tickMs: number;
  /** Called after a tick that started or prebuilt a run, so idle senders wake at once. */
  onTick?: () => void;
  /** The notification outbox, pruned hourly (`notification-outbox-prune`). */
  notificationOutbox?: { prune(before: Date): Promise<number> };
}

/** Claims older than this are deleted (a firing is only ever claimed around its own time). */
const CLAIMS_KEPT_MS = 24 * 3_600_000;
/** Outbox rows older than this are deleted: the relay skips rows past an hour (RELAY_MAX_AGE_MS); a day leaves them to look at. */
const NOTIFICATIONS_KEPT_MS = 24 * 3_600_000;

/**
 * Herald's periodic jobs, each a thin call into the domain:
 * - `delivery-tick` (every SCHEDULER_TICK_SECONDS): what is due — lease time-outs, SMS receipt
 *   time-outs, prebuilds, starts (with the overdue policy), completions. Its steps are conditional
 *   writes, safe on any number of replicas; the claim only spares the others the same queries.
 * - `approval-expiry` (every minute): pending approvals whose time ran out are closed and told, and
 *   approved cancels whose process stopped before applying them are finished.
 * - `job-lock-prune` (hourly): forgets claims older than a day.
 * - `notification-outbox-prune` (hourly, when given the outbox): forgets notifications older than a day.
 * - `daily-digest` (DIGEST_CRON): registered by the composition root with `digestJob` and its handler (jobs/daily-digest.ts).
 */
export function heraldJobs(options: SchedulerOptions): JobDefinition[] {
  const { delivery } = options;
  const zone = delivery.campaign.config.accountTimeZone;
  return [
    {
      name: 'delivery-tick',
      cron: everySeconds(options.tickMs / 1000),
      timeZone: zone,
      // Only the current slot: a tick asks the database what is due, so an older slot adds nothing.
      catchUpMs: Math.max(options.tickMs, 1000),
      async run() {
        const report = await deliveryTick(delivery);
        if (report.started.length || report.prebuilt.length) options.onTick?.();
      },
    },
    {
      name: 'approval-expiry',
      cron: '* * * * *',
      timeZone: zone,
      async run() {
        await expireApprovals(delivery.campaign);
        await finishApprovedCancels(delivery.campaign);
      },
    },
    {
      name: 'job-lock-prune',
      cron: '17 * * * *',
      timeZone: zone,
      catchUpMs: 3_600_000,
      run: (firing: Firing) => options.claims.prune(new Date(firing.fireAt.getTime() - CLAIMS_KEPT_MS)),
    },
    ...(options.notificationOutbox ? [outboxPruneJob(zone, options.notificationOutbox)] : []),
  ];
}

function outboxPruneJob(timeZone: string, outbox: { prune(before: Date): Promise<number> }): JobDefinition {
  return {
    name: 'notification-outbox-prune',
    cron: '23 * * * *',
    timeZone,
    catchUpMs: 3_600_000,
    run: (firing: Firing) => outbox.prune(new Date(firing.fireAt.getTime() - NOTIFICATIONS_KEPT_MS)),
  };
}

/** The registry with Herald's jobs in it; `start()` hands them to node-cron, `fireDue(at)` fires them by hand. */
export function createScheduler(options: SchedulerOptions): JobRegistry {
  const registry = new JobRegistry({
    clock: options.delivery.campaign.clock,
    cron: options.delivery.campaign.cron,
    claims: options.claims,
    owner: options.owner,
    log: options.delivery.log,
  });
  for (const job of heraldJobs(options)) registry.register(job);
  return registry;
}

/**
 * The daily digest's job (DIGEST_CRON in the account's zone): registered by the composition root
 * with the handler that builds and posts the digest. A digest missed by downtime still goes out
 * within `catchUpMs` (default 6 h), once across replicas.
 */
export function digestJob(options: { cron: string; timeZone: string; catchUpMs?: number }, post: (firing: Firing) => Promise<unknown>): JobDefinition {
  return { name: 'daily-digest', cron: options.cron, timeZone: options.timeZone, catchUpMs: options.catchUpMs ?? 6 * 3_600_000, run: post };
}

/**
 * The live activity cards' refresh while campaigns send (every 15 s by default): registered by the
 * composition root when SLACK_ACTIVITY_CHANNEL is set. Claimed like every job, so one replica
 * refreshes each slot; it reads message counts, never the ledger's rows.
 */
export function activityCardsJob(options: { timeZone: string; everyMs?: number }, refresh: () => Promise<unknown>): JobDefinition {
  const everyMs = options.everyMs ?? 15_000;
  return { name: 'activity-cards', cron: everySeconds(everyMs / 1000), timeZone: options.timeZone, catchUpMs: everyMs, run: refresh };
}
