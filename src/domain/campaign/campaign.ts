import type { SegmentFilter } from '../contacts/segment-filter.js';
import { AppError } from '../errors.js';
import type { CampaignStatus } from './campaign-status.js';

/** A delivery channel's name (`email`, `sms`, or one a provider adapter declares; see ChannelSpec). */
export type Channel = string;
export type LaunchType = 'now' | 'manual' | 'scheduled' | 'recurring';

/**
 * What the scheduler does with a scheduled send it finds overdue (Herald was down at its time):
 * `send_late` sends it now (the default), `skip` skips to the next run (a one-off is missed:
 * stopped, to set a new time and relaunch), `ask` holds it (suspended) until a person decides.
 */
export const LATE_SEND_POLICIES = ['send_late', 'skip', 'ask'] as const;
export type LateSendPolicy = (typeof LATE_SEND_POLICIES)[number];

export interface Variant {
  label: string;
  templateId: number;
  weight: number;
}

/** A structured reason a launch failed or content was rejected. */
export interface StatusReason {
  code: string;
  message: string;
}

export interface Campaign {
  id: number;
  name: string;
  description: string;
  tags: string[];
  channel: Channel;
  status: CampaignStatus;
  resumeTo: CampaignStatus | null;
  statusReason: string | null;
  statusDetails: StatusReason[] | null;
  launchType: LaunchType | null;
  sendAt: Date | null;
  timeZone: string | null;
  cron: string | null;
  nextRunAt: Date | null;
  /** What happens when its send is found overdue after downtime. */
  ifLate: LateSendPolicy;
  templateId: number | null;
  listId: number | null;
  includeSegmentIds: number[];
  excludeSegmentIds: number[];
  oneTimeFilter: SegmentFilter | null;
  smsTtlSeconds: number | null;
  /** Open pixel and tracked links in its messages (on unless `--tracking off`). */
  tracking: boolean;
  variants: Variant[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  clonedFromId: number | null;
  version: number;
}

/** The fields a person sets on a campaign (create, edit, clone). */
export type CampaignSettings = Pick<
  Campaign,
  | 'name'
  | 'description'
  | 'tags'
  | 'channel'
  | 'launchType'
  | 'sendAt'
  | 'timeZone'
  | 'cron'
  | 'ifLate'
  | 'templateId'
  | 'listId'
  | 'includeSegmentIds'
  | 'excludeSegmentIds'
  | 'oneTimeFilter'
  | 'smsTtlSeconds'
  | 'tracking'
  | 'variants'
>;

export function campaignRef(id: number): string {
  return `C-${id}`;
}

/** Accepts `C-1042`, `c-1042` or `1042`, as people type them back to confirm. */
export function parseCampaignRef(text: string): number | null {
  const match = /^\s*(?:c-)?(\d{1,9})\s*$/i.exec(text);
  return match ? Number(match[1]) : null;
}

export function notFound(id: number): AppError {
  return new AppError('NOT_FOUND', `Campaign ${campaignRef(id)} does not exist (or was deleted).`, { campaignId: id });
}

/** A campaign is complete (ready rather than draft) once it has content and an audience. */
export function missingForReady(c: Pick<Campaign, 'templateId' | 'listId' | 'variants'>): string[] {
  const missing: string[] = [];
  if (c.templateId === null && c.variants.length === 0) missing.push('a template');
  if (c.listId === null) missing.push('a contact list');
  return missing;
}
