import { campaignRef } from '../campaign/campaign.js';
import { loadCampaign } from '../campaign/campaign-deps.js';
import { queueNow, refuseIfInvalid } from '../campaign/launch-campaign.js';
import { applyLatePolicy, isOverdue } from '../scheduling/overdue-send.js';
import { SCHEDULER_ACTOR, SYSTEM_ACTOR, type DeliveryDeps } from './delivery-deps.js';

export interface TickReport {
  prebuilt: number[];
  started: number[];
  completed: number[];
  expiredLeases: number;
  assumedDelivered: number;
}

/**
 * One scheduler tick. The database decides what is due; every step is a conditional write, so a tick
 * may run twice, late, or on several replicas at once without doing anything twice.
 */
export async function deliveryTick(deps: DeliveryDeps): Promise<TickReport> {
  const done = deps.metrics.startTick();
  try {
    return await tick(deps);
  } finally {
    done();
  }
}

async function tick(deps: DeliveryDeps): Promise<TickReport> {
  const now = deps.campaign.clock.now();
  const report: TickReport = { prebuilt: [], started: [], completed: [], expiredLeases: 0, assumedDelivered: 0 };
  const lapsed = await deps.delivery.expireLeases(now);
  report.expiredLeases = lapsed.unknown + lapsed.requeued;
  if (lapsed.unknown) {
    deps.log('delivery.unknown', { count: lapsed.unknown, why: 'lease expired: the sender stopped between handing them over and recording the answer' }, 'warn');
    deps.campaign.notifier.notify({ kind: 'delivery.unknown', count: lapsed.unknown, why: 'lease_expired', owner: null, at: now });
  }
  if (lapsed.requeued) deps.log('delivery.requeued', { count: lapsed.requeued, why: 'lease expired before they were handed to the provider' });
  report.assumedDelivered = await deps.delivery.assumeDelivered(now, deps.config.smsReceiptTimeoutMs);

  for (const id of await deps.delivery.dueForPrebuild(now, deps.campaign.config.prebuildLeadMs)) {
    await guarded(deps, 'prebuild', id, async () => {
      const campaign = await loadCampaign(deps.campaign, id);
      if (campaign.status !== 'scheduled' || !campaign.nextRunAt) return;
      // Herald was down at its send time: the campaign's --if-late policy says send, skip or hold.
      if (isOverdue(deps.campaign, campaign.nextRunAt, now) && (await applyLatePolicy(deps.campaign, campaign, campaign.nextRunAt, 'scheduled', SCHEDULER_ACTOR)) === 'handled') return;
      const refused = await refuseIfInvalid(deps.campaign, campaign, 'schedule', ['scheduled'], SCHEDULER_ACTOR);
      if (refused) return;
      await queueNow(deps.campaign, campaign, 'schedule', ['scheduled'], SCHEDULER_ACTOR, campaign.nextRunAt, 'prebuild');
      report.prebuilt.push(id);
    });
  }

  for (const due of await deps.delivery.dueToStart(now)) {
    await guarded(deps, 'start', due.campaignId, async () => {
      // Due since its send time, or since it was queued again (a resume of an overdue hold): whichever is later.
      const dueSince = new Date(Math.max(due.scheduledFor.getTime(), due.campaignChangedAt.getTime()));
      if (isOverdue(deps.campaign, dueSince, now)) {
        const campaign = await loadCampaign(deps.campaign, due.campaignId);
        if (campaign.status !== 'queued') return;
        if ((await applyLatePolicy(deps.campaign, campaign, due.scheduledFor, 'queued', SCHEDULER_ACTOR)) === 'handled') return;
      }
      await deps.delivery.markRunSending(due.runId, now);
      const started = await deps.campaign.campaigns.transition(due.campaignId, { name: 'start_sending' }, 'sending', {}, {
        actor: SYSTEM_ACTOR,
        action: 'start_sending',
        runId: due.runId,
      });
      if (started.outcome === 'moved') report.started.push(due.campaignId);
    });
  }

  await deps.delivery.closeHaltedRuns(now);
  // A retry re-opens its runs, then its campaign; if the process stopped in between, finish the job.
  for (const orphan of await deps.delivery.reopenedRunsOfCompletedCampaigns()) {
    await guarded(deps, 'retry', orphan.campaignId, async () => {
      await deps.campaign.campaigns.transition(orphan.campaignId, { name: 'retry', onlyFrom: ['completed'] }, 'sending', { statusReason: null }, {
        actor: SYSTEM_ACTOR,
        action: 'retry',
        runId: orphan.runId,
        reason: 'a retry re-queued messages of this run',
      });
    });
  }

  const finished = await deps.delivery.finishedRuns();
  for (const campaignId of new Set(finished.map((r) => r.campaignId))) {
    await guarded(deps, 'complete', campaignId, async () => {
      const runs = finished.filter((r) => r.campaignId === campaignId);
      const campaign = await loadCampaign(deps.campaign, campaignId);
      const counts = await deps.delivery.counts(campaignId, runs[runs.length - 1]!.runId);
      let next: Date | null = null;
      if (campaign.launchType === 'recurring' && campaign.cron) {
        const zone = campaign.timeZone ?? deps.campaign.config.accountTimeZone;
        // Fires missed while the run was sending are skipped, not piled up.
        next = deps.campaign.cron.nextRuns(campaign.cron, zone, now, 1)[0] ?? null;
      }
      const to = next ? 'scheduled' : 'completed';
      // Messages in doubt are said wherever the status shows, until a retry settles them.
      const unknown = (next ? counts : await deps.delivery.counts(campaignId)).unknown ?? 0;
      const doubt = unknown ? `${next ? 'last run: ' : ''}${unknown} unknown: check before retrying` : null;
      const done = await deps.campaign.campaigns.transition(campaignId, { name: 'complete' }, to, { nextRunAt: next, statusReason: doubt }, {
        actor: SYSTEM_ACTOR,
        action: 'complete',
        runId: runs[runs.length - 1]!.runId,
        reason: [next ? `run ${runs.map((r) => r.number).join(', ')} finished; next run ${next.toISOString()}` : null, doubt].filter(Boolean).join('; ') || null,
        detail: { runs: runs.map((r) => r.number), counts },
      });
      for (const r of runs) await deps.delivery.completeRun(r.runId, now);
      if (done.outcome === 'moved') {
        report.completed.push(campaignId);
        deps.log('delivery.completed', { campaignId, campaign: campaignRef(campaignId), runId: runs[runs.length - 1]!.runId, counts, next: next?.toISOString() ?? null });
      }
    });
  }
  return report;
}

/** One campaign's trouble must not stop the tick for the others. */
async function guarded(deps: DeliveryDeps, step: string, campaignId: number, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.log('scheduler.error', { step, campaignId, error: error instanceof Error ? error.message : String(error) }, 'error');
  }
}
