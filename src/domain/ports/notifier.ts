import type { LateSendPolicy, StatusReason } from '../campaign/campaign.js';
import type { CampaignStatus, TransitionName } from '../campaign/campaign-status.js';

/**
 * What Herald tells people by itself, as it happens (issue 12): the console prints each as a line,
 * the Slack edge posts activity-thread replies and alerts from the same values. Every notification
 * carries the injected clock's time and the ids a subscriber needs to look more up; none carries
 * message contents or secrets.
 */

/** A campaign moved from one status to another (after the change committed). */
export interface CampaignMove {
  campaignId: number;
  campaignName: string;
  from: CampaignStatus;
  to: CampaignStatus;
  transition: TransitionName;
  /** Who moved it: a person's id, or `system:delivery` / `system:scheduler`. */
  actor: string;
  /** Why, as the activity log says it (null when nothing more than the move itself). */
  reason: string | null;
  runId: number | null;
  at: Date;
}

export type Notification =
  /** Any status change not covered by a more specific kind below. */
  | ({ kind: 'campaign.status_changed' } & CampaignMove)
  /** The system stopped a sending campaign (error budget, provider outage, quota): on-call must look. */
  | ({ kind: 'campaign.suspended'; reason: string } & CampaignMove)
  /** A launch could not start (`failed`) or the content rules refused it (`rejected`). */
  | ({ kind: 'campaign.launch_failed'; reasons: StatusReason[] } & CampaignMove)
  /**
   * A scheduled send came due while Herald was not running (or was too late to start it): what its
   * `--if-late` policy did. `held` waits for a person: send now (resume), skip, or cancel.
   */
  | {
      kind: 'campaign.overdue';
      campaignId: number;
      campaignName: string;
      dueAt: Date;
      policy: LateSendPolicy;
      outcome: 'sent_late' | 'skipped' | 'missed' | 'held';
      /** The next run of a recurring campaign that skipped one. */
      nextRunAt: Date | null;
      at: Date;
    }
  /** A cancel of a sending campaign waits for an approver other than the requester. */
  | { kind: 'approval.requested'; approvalId: number; campaignId: number; campaignName: string; requestedBy: string; reason: string | null; expiresAt: Date; at: Date }
  | { kind: 'approval.decided'; approvalId: number; campaignId: number; campaignName: string; decision: 'approved' | 'denied'; decidedBy: string; requestedBy: string; at: Date }
  | { kind: 'approval.expired'; approvalId: number; campaignId: number; campaignName: string; requestedBy: string; expiresAt: Date; at: Date }
  /**
   * Messages whose sender stopped between handing them to the provider and recording the answer
   * (a crash, a lost lease): they may have been sent, are never resent by themselves, and need a
   * person to check before retrying.
   */
  | { kind: 'delivery.unknown'; count: number; why: 'lease_expired' | 'process_died'; owner: string | null; at: Date }
  /**
   * The daily digest came due with no Slack channel to post it to (the console, or no
   * SLACK_DIGEST_CHANNEL): its figures as plain text, for whoever listens (the console prints them).
   */
  | { kind: 'digest.ready'; day: string; text: string; at: Date };

export type NotificationKind = Notification['kind'];

/** Says what happened to whoever listens; never throws and never waits for a listener. */
export interface Notifier {
  notify(notification: Notification): void;
}

/** Whether a notification reports a status change (every subscriber that follows a campaign's card wants these). */
export function isCampaignMove(n: Notification): n is Extract<Notification, CampaignMove> {
  return n.kind === 'campaign.status_changed' || n.kind === 'campaign.suspended' || n.kind === 'campaign.launch_failed';
}
