import { AppError } from '../errors.js';
import type { ApprovalStore } from '../ports/approval-store.js';
import type { CampaignStore, StatusPatch, TransitionActivity } from '../ports/campaign-store.js';
import type { Clock } from '../ports/clock.js';
import type { ContactStore } from '../ports/contact-store.js';
import type { ContactsFileFormat } from '../ports/contacts-file-format.js';
import type { CronSchedule } from '../ports/cron-schedule.js';
import type { Notifier } from '../ports/notifier.js';
import type { TemplateEngine } from '../ports/template-engine.js';
import type { TemplateStore } from '../ports/template-store.js';
import { campaignRef, notFound, type Campaign } from './campaign.js';
import {
  ACTIONS_BY_STATUS,
  STATUS_MEANING,
  statusesAllowing,
  type CampaignAction,
  type CampaignStatus,
} from './campaign-status.js';
import type { TransitionRef } from './campaign-transition.js';
import type { ContentPolicy } from './content-policy.js';
import type { ChannelSpecs } from '../channels/channel-spec.js';

export interface CampaignSettingsConfig {
  accountTimeZone: string;
  /** How long before the send time a scheduled campaign is prebuilt (queued). */
  prebuildLeadMs: number;
  /** Within this of the send time (or while sending) a cancel or pause is not guaranteed. */
  lateActionWindowMs: number;
  /** How long a cancel-approval request stays open. */
  approvalTtlMs: number;
  /** A scheduled send reached more than this after its time (Herald was down) follows the campaign's `ifLate`. */
  overdueAfterMs: number;
  defaultSmsSender: string | null;
  contentPolicy: ContentPolicy;
  /** The channels this Herald can send on, declared by their providers. */
  channels: ChannelSpecs;
}

/** Everything campaign use cases need; built once in wiring.ts, faked in unit tests. */
export interface CampaignDeps {
  campaigns: CampaignStore;
  templates: TemplateStore;
  contacts: ContactStore;
  /** Reads contacts files that arrive as bytes (Slack uploads) and writes their rejected rows back. */
  contactsFiles: ContactsFileFormat;
  approvals: ApprovalStore;
  clock: Clock;
  cron: CronSchedule;
  templateEngine: TemplateEngine;
  /** Tells people what happened (approvals, overdue sends); status changes are told by the store wrapper. */
  notifier: Notifier;
  config: CampaignSettingsConfig;
}

/** What every use case answers: the campaign as it now is, and warnings for the person. */
export interface CampaignOutcome {
  campaign: Campaign;
  warnings: string[];
}

export async function loadCampaign(deps: Pick<CampaignDeps, 'campaigns'>, id: number): Promise<Campaign> {
  const campaign = await deps.campaigns.get(id);
  if (!campaign) throw notFound(id);
  return campaign;
}

export function actionRefused(campaign: Campaign, action: CampaignAction, extra = ''): AppError {
  const allowedIn = statusesAllowing(action);
  return new AppError(
    'INVALID_TRANSITION',
    `Cannot ${action} ${campaignRef(campaign.id)}: it is ${campaign.status} (${STATUS_MEANING[campaign.status]}). ` +
      `${capitalize(action)} is allowed when ${joinOr(allowedIn)}; in ${campaign.status} you can ${joinOr(ACTIONS_BY_STATUS[campaign.status])}.` +
      (extra ? ` ${extra}` : ''),
    { campaignId: campaign.id, status: campaign.status, action, allowedIn },
  );
}

export function assertAction(campaign: Campaign, action: CampaignAction): void {
  if (!ACTIONS_BY_STATUS[campaign.status].includes(action)) throw actionRefused(campaign, action);
}

/**
 * A named transition of the table on behalf of a person's `action`; when the campaign has moved
 * elsewhere meanwhile, says what it is now instead of a bare failure. A repeat of the same person's
 * request that already succeeded answers the campaign as it is.
 */
export async function transitionOrExplain(
  deps: Pick<CampaignDeps, 'campaigns'>,
  campaign: Campaign,
  action: CampaignAction,
  ref: TransitionRef,
  to: CampaignStatus,
  patch: StatusPatch,
  activity: TransitionActivity,
): Promise<Campaign> {
  const result = await deps.campaigns.transition(campaign.id, ref, to, patch, activity);
  if (result.outcome !== 'refused') return result.campaign;
  throw raceLost(result.campaign ?? (await loadCampaign(deps, campaign.id)), action);
}

export function raceLost(current: Campaign, action: CampaignAction): AppError {
  return actionRefused(current, action, 'Someone else changed it a moment ago.');
}

/** Seed 000/002: near the send time or once sending, stopping is best effort and sent mail is never recalled. */
export function lateActionWarning(deps: Pick<CampaignDeps, 'clock' | 'config'>, campaign: Campaign, verb: string): string[] {
  const now = deps.clock.now().getTime();
  const sendAt = campaign.nextRunAt ?? campaign.sendAt;
  if (campaign.status === 'sending' || (campaign.status === 'paused' && campaign.resumeTo === 'sending')) {
    return [`${campaignRef(campaign.id)} is already sending: ${verb} is not guaranteed for messages in flight, and messages already sent cannot be recalled.`];
  }
  if (sendAt && sendAt.getTime() - now <= deps.config.lateActionWindowMs) {
    return [`${campaignRef(campaign.id)} is within ${Math.round(deps.config.lateActionWindowMs / 60000)} minutes of its send time: ${verb} is not guaranteed, and messages already sent cannot be recalled.`];
  }
  return [];
}

export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
