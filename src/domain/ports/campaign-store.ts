import type { ChannelSpec } from '../channels/channel-spec.js';
import type { Campaign, CampaignSettings, Channel, StatusReason } from '../campaign/campaign.js';
import type { CampaignStatus } from '../campaign/campaign-status.js';

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
  reason: string | null;
  detail: Record<string, unknown> | null;
  createdAt: Date;
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

export interface RunSummary {
  runId: number;
  number: number;
  messages: number;
  optedOut: number;
  /** Left out because an earlier run of this one-off campaign already reached them. */
  skipped: number;
}

/** Persistence of campaigns, their activity log and runs. Every status write is conditional on the old status. */
export interface CampaignStore {
  create(settings: CampaignSettings & { status: CampaignStatus; createdBy: string; clonedFromId: number | null }, activity: ActivityInput): Promise<Campaign>;
  get(id: number): Promise<Campaign | null>;
  list(filter: CampaignFilter): Promise<{ items: Campaign[]; total: number }>;
  /**
   * Writes settings (and maybe a new status) only if the campaign is still in one of `from` and at
   * `expectedVersion` when given; returns null when it was not (someone else got there first).
   */
  update(
    id: number,
    from: readonly CampaignStatus[],
    change: { settings?: Partial<CampaignSettings>; status?: CampaignStatus; patch?: StatusPatch; expectedVersion?: number },
    activity: ActivityInput,
  ): Promise<Campaign | null>;
  /** Conditional status change with its activity entry, in one transaction; null when the status had moved. */
  transition(id: number, from: readonly CampaignStatus[], to: CampaignStatus, patch: StatusPatch, activity: ActivityInput): Promise<Campaign | null>;
  /**
   * Moves the campaign from `from` to `queued` and, in the same transaction, creates the run, takes
   * the template snapshot and writes one message row per audience member (suppressed ones `opted_out`).
   */
  queueRun(id: number, from: readonly CampaignStatus[], build: RunBuild, activity: ActivityInput): Promise<{ campaign: Campaign; run: RunSummary } | null>;
  softDelete(id: number, from: readonly CampaignStatus[], activity: ActivityInput): Promise<boolean>;
  activity(id: number, limit: number): Promise<ActivityEntry[]>;
  /** Campaigns with a send time (or next recurring run) in [from, to), drafts excluded. */
  upcoming(from: Date, to: Date): Promise<Campaign[]>;
  /** Live campaigns that use a template, list or segment, optionally only in some statuses. */
  campaignsUsing(ref: CampaignRef, statuses?: readonly CampaignStatus[]): Promise<Campaign[]>;
  messageCounts(id: number): Promise<Record<string, number>>;
}
