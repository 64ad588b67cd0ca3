import type { Campaign } from '../campaign/campaign.js';
import type { CampaignStatus, TransitionName } from '../campaign/campaign-status.js';
import type { TransitionRef } from '../campaign/campaign-transition.js';
import type { CampaignStore, RunBuild, StatusPatch, TransitionActivity } from '../ports/campaign-store.js';
import type { Clock } from '../ports/clock.js';
import type { Notification, Notifier } from '../ports/notifier.js';
import { writtenWithChange } from './written-with-change.js';

/**
 * The campaign store, telling the notifier about every status change once it has committed (the
 * notification the store wrote to the outbox with the change, when it has an outbox). Every
 * change of status goes through `transition` or `queueRun` (the transition table's one door), so
 * wrapping them here reaches every use case, the scheduler and the delivery engine alike, and a
 * refused or repeated request (a Slack retry, a tick run twice) tells no one anything.
 */
export function notifyingCampaignStore(store: CampaignStore, notifier: Notifier, clock: Clock): CampaignStore {
  const tell = (campaign: Campaign, from: CampaignStatus | undefined, transition: TransitionName, activity: TransitionActivity, written: Notification | undefined) => {
    // Written with the change (the store has an outbox): told as it was written, and not again.
    if (written) return notifier.notify(writtenWithChange(written));
    if (from === undefined) return;
    notifier.notify(statusNotification(campaign, from, transition, activity, clock.now()));
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'transition') {
        return async (id: number, ref: TransitionRef, to: CampaignStatus, patch: StatusPatch, activity: TransitionActivity, options?: Parameters<CampaignStore['transition']>[5]) => {
          const result = await target.transition(id, ref, to, patch, activity, options);
          if (result.outcome === 'moved') tell(result.campaign, result.from, ref.name, activity, result.notification);
          return result;
        };
      }
      if (property === 'queueRun') {
        return async (id: number, ref: TransitionRef, build: RunBuild, activity: TransitionActivity) => {
          const result = await target.queueRun(id, ref, build, activity);
          if (result.outcome === 'moved') tell(result.campaign, result.from, ref.name, { ...activity, runId: activity.runId ?? result.run.runId }, result.notification);
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The kind of a status change: suspensions and failed launches are alerts, the rest activity. */
export function statusNotification(campaign: Campaign, from: CampaignStatus, transition: TransitionName, activity: TransitionActivity, at: Date): Notification {
  const move = {
    campaignId: campaign.id,
    campaignName: campaign.name,
    from,
    to: campaign.status,
    transition,
    actor: activity.actor,
    reason: activity.reason ?? campaign.statusReason ?? null,
    runId: activity.runId ?? null,
    at,
  };
  // An overdue hold is told by the scheduler as the question it is (campaign.overdue), not as a fault.
  if (campaign.status === 'suspended' && transition !== 'hold_late') return { kind: 'campaign.suspended', ...move, reason: move.reason ?? 'suspended by the system' };
  if (campaign.status === 'failed' || campaign.status === 'rejected') return { kind: 'campaign.launch_failed', ...move, reasons: campaign.statusDetails ?? [] };
  return { kind: 'campaign.status_changed', ...move };
}
