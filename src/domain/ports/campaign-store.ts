import type { ChannelSpec } from '../channels/channel-spec.js';
import type { Campaign, CampaignSettings, Channel, StatusReason } from '../campaign/campaign.js';
import type { CampaignStatus, TransitionName } from '../campaign/campaign-status.js';
import type { InitialStatus, TransitionRef } from '../campaign/campaign-transition.js';
import type { Notification } from './notifier.js';

export interface ActivityInput {
  actor: string;
  action: string;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
  runId?: number | null;
}

export interface ActivityEntry {
  id: string;
  campaignId: number;
  runId: number | null;
  actor: string;
  action: string;
  fromStatus: CampaignStatus | null;
  toStatus: CampaignStatus | null;
  /** The transition of the table this entry records; null for entries that changed no status. */
  transition: TransitionName | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
  createdAt: Date;
}

/** The activity entry of a transition; `action` (what people read in the log) defaults to the transition's name. */
export type TransitionActivity = Omit<ActivityInput, 'action'> & { action?: string };

/**
 * What a transition did: `moved` wrote it now; `repeat` found it already done by the same transition
 * and actor and wrote nothing (success: safe under retries); `refused` found the campaign in a status
 * the condition does not allow (the campaign as it is, or null when it does not exist).
 */
export type TransitionResult =
  | { outcome: 'moved' | 'repeat'; campaign: Campaign; /** The status it moved from (when `moved`). */ from?: CampaignStatus } & WrittenNotification
  | { outcome: 'refused'; campaign: Campaign | null };

/**
 * What a status change told, when the store wrote it to the notification outbox in the change's own
 * transaction (when `moved`, with a {@link StatusChangeOutbox}): the two commit together or not at all.
 */
export interface WrittenNotification {
  notification?: Notification;
}

/** A status change, as a store hands it to the {@link StatusChangeOutbox} before it commits. */
export interface StatusChange {
  campaign: Campaign;
  from: CampaignStatus;
  transition: TransitionName;
  activity: TransitionActivity;
  at: Date;
}

/**
 * Writes what a status change tells to the notification outbox inside the change's transaction (`tx`
 * is the store's transaction handle), and answers the notification written.
 */
export interface StatusChangeOutbox<Tx = unknown> {
  append(tx: Tx, change: StatusChange): Promise<Notification>;
}

/** Fields a status change may set together with the status, in the same conditional write. */
export interface StatusPatch {
  resumeTo?: CampaignStatus | null;
  statusReason?: string | null;
  statusDetails?: StatusReason[] | null;
  nextRunAt?: Date | null;
  launchType?: Campaign['launchType'];
  sendAt?: Date | null;
  timeZone?: string | null;
  cron?: string | null;
}

export interface CampaignFilter {
  statuses?: CampaignStatus[];
  channel?: Channel;
  tag?: string;
  search?: string;
  /** Only campaigns this actor created (App Home's "my campaigns"). */
  createdBy?: string;
  page: number;
  pageSize: number;
}

export type CampaignRef = { templateId: number } | { listId: number } | { segmentId: number };

export interface RunBuild {
  scheduledFor: Date;
  templateId: number;
  /** Where the channel finds each contact's address. */
  address: ChannelSpec['address'];
  snapshot: Record<string, unknown>;
}

export type QueueResult =
  | { outcome: 'moved' | 'repeat'; campaign: Campaign; run: RunSummary; /** The status it moved from (when `moved`). */ from?: CampaignStatus } & WrittenNotification
  | { outcome: 'refused'; campaign: Campaign | null };

export interface RunSummary {
  runId: number;
  number: number;
  messages: number;
  optedOut: number;
  /** Left out because an earlier run of this one-off campaign already reached them. */
  skipped: number;
}

/**
 * Persistence of campaigns, their activity log and runs. A campaign is created draft or ready; after
 * that its status changes only by `transition` and `queueRun`, which apply the transition table.
 */
export interface CampaignStore {
  create(settings: CampaignSettings & { status: InitialStatus; createdBy: string; clonedFromId: number | null }, activity: ActivityInput): Promise<Campaign>;
  get(id: number): Promise<Campaign | null>;
  list(filter: CampaignFilter): Promise<{ items: Campaign[]; total: number }>;
  /**
   * Writes settings, never the status, only if the campaign is still in one of `from` and at
   * `expectedVersion` when given; returns null when it was not (someone else got there first).
   */
  update(
    id: number,
    from: readonly CampaignStatus[],
    change: { settings?: Partial<CampaignSettings>; patch?: StatusPatch; expectedVersion?: number },
    activity: ActivityInput,
  ): Promise<Campaign | null>;
  /**
   * The transition `ref.name` into `to`, with its activity entry, in one transaction: throws
   * INVALID_TRANSITION when the table does not lead to `to` by that name; writes only if the status is
   * in the table's `from` (narrowed by `ref.onlyFrom`) and the version is `expectedVersion` when given.
   * `settings` are written in the same conditional write (an edit that completes a draft).
   */
  transition(
    id: number,
    ref: TransitionRef,
    to: CampaignStatus,
    patch: StatusPatch,
    activity: TransitionActivity,
    options?: { settings?: Partial<CampaignSettings>; expectedVersion?: number },
  ): Promise<TransitionResult>;
  /**
   * The transition `ref.name` into `queued` and, in the same transaction, the run, the template
   * snapshot and one message row per audience member (suppressed ones `opted_out`). A repeat answers
   * the run the first request built.
   */
  queueRun(id: number, ref: TransitionRef, build: RunBuild, activity: TransitionActivity): Promise<QueueResult>;
  softDelete(id: number, from: readonly CampaignStatus[], activity: ActivityInput): Promise<boolean>;
  activity(id: number, limit: number): Promise<ActivityEntry[]>;
  /** Campaigns with a send time (or next recurring run) in [from, to), drafts excluded. */
  upcoming(from: Date, to: Date): Promise<Campaign[]>;
  /** Live campaigns that use a template, list or segment, optionally only in some statuses. */
  campaignsUsing(ref: CampaignRef, statuses?: readonly CampaignStatus[]): Promise<Campaign[]>;
  messageCounts(id: number): Promise<Record<string, number>>;
  /**
   * What the card and App Home show as headline figures, per campaign, from the count tables
   * (run_status_count, run_event_count), never the ledger: messages per status and the unique
   * human opens and clicks. Campaigns with no run are absent.
   */
  headlineCounts(ids: readonly number[]): Promise<Map<number, HeadlineCounts>>;
}

/** A campaign's messages per status and its unique human opens and clicks (all runs). */
export interface HeadlineCounts {
  statusCounts: Record<string, number>;
  uniqueOpens: number;
  uniqueClicks: number;
}
