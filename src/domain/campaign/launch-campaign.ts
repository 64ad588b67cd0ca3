import { DateTime } from 'luxon';
import { AppError } from '../errors.js';
import { channelSpec } from '../channels/channel-spec.js';
import type { Template } from '../templates/template.js';
import { campaignRef, type Campaign, type StatusReason } from './campaign.js';
import {
  loadCampaign,
  raceLost,
  transitionOrExplain,
  type CampaignDeps,
  type CampaignOutcome,
} from './campaign-deps.js';
import type { CampaignAction, CampaignStatus, TransitionName } from './campaign-status.js';
import { isTransitionName } from './campaign-transition.js';
import { validateLaunch, type LaunchFacts, type LaunchVerdict } from './launch-validation.js';

export interface LaunchOutcome extends CampaignOutcome {
  /** Set when the launch went to `queued`: the run and its message rows. */
  run?: { runId: number; number: number; messages: number; optedOut: number; skipped: number };
}

/** Gathers what the launch checks need from the stores, then runs the pure checks. */
export async function checkLaunch(deps: CampaignDeps, campaign: Campaign): Promise<LaunchVerdict> {
  const templateRefs = [
    ...(campaign.templateId !== null ? [{ role: 'the', id: campaign.templateId }] : []),
    ...campaign.variants.map((v) => ({ role: `variant ${v.label}'s`, id: v.templateId })),
  ];
  const templates = await Promise.all(templateRefs.map(async (ref) => ({ ...ref, template: await deps.templates.get(ref.id) })));
  const list = campaign.listId !== null ? await deps.contacts.getList(campaign.listId) : null;
  const segment = async (id: number) => ({ id, segment: await deps.contacts.getSegment(id) });
  const include = await Promise.all(campaign.includeSegmentIds.map(segment));
  const exclude = await Promise.all(campaign.excludeSegmentIds.map(segment));
  const liveSegments = [...include, ...exclude].every((s) => s.segment && !s.segment.deletedAt);
  const channel = deps.config.channels.get(campaign.channel) ?? null;
  const audience =
    channel && list && !list.deletedAt && liveSegments
      ? await deps.contacts.countAudience({
          listId: list.id,
          include: include.map((s) => s.segment!.filter),
          exclude: exclude.map((s) => s.segment!.filter),
          oneTime: campaign.oneTimeFilter,
          address: channel.address,
        })
      : null;
  const facts: LaunchFacts = {
    templates,
    list,
    include,
    exclude,
    audience,
    defaultSmsSender: deps.config.defaultSmsSender,
    channel,
    templateSyntax: templateSyntaxErrors(deps, templates.map((t) => t.template)),
  };
  return validateLaunch(campaign, facts, deps.config.contentPolicy);
}

function templateSyntaxErrors(deps: CampaignDeps, templates: (Template | null)[]): { name: string; error: string }[] {
  const errors: { name: string; error: string }[] = [];
  for (const t of templates) {
    if (!t || t.deletedAt) continue;
    for (const source of [t.content.subject, t.content.html, t.content.text]) {
      const error = source ? deps.templateEngine.check(source) : null;
      if (error) errors.push({ name: t.name, error });
    }
  }
  return errors;
}

/**
 * Runs the launch checks and moves the campaign to `failed` (reasons stored) or `rejected` (content
 * rules) when they do not pass; returns null when it may launch.
 */
export async function refuseIfInvalid(
  deps: CampaignDeps,
  campaign: Campaign,
  action: CampaignAction,
  from: readonly CampaignStatus[],
  actor: string,
): Promise<LaunchOutcome | null> {
  const verdict = await checkLaunch(deps, campaign);
  const [to, reasons, what] =
    verdict.failures.length > 0
      ? (['failed', verdict.failures, 'launch failed'] as const)
      : verdict.rejections.length > 0
        ? (['rejected', verdict.rejections, 'content rejected'] as const)
        : ([null, [], ''] as const);
  if (to === null) return null;
  const failed = await transitionOrExplain(
    deps,
    campaign,
    action,
    { name: to === 'failed' ? 'fail_launch' : 'reject_content', onlyFrom: from },
    to,
    { statusReason: summarize(reasons), statusDetails: [...reasons] },
    { actor, action: to === 'failed' ? 'launch_failed' : 'content_rejected', reason: summarize(reasons), detail: { reasons, attempted: action } },
  );
  return { campaign: failed, warnings: [`${campaignRef(campaign.id)} ${what}: ${summarize(reasons)}.`] };
}

export function summarize(reasons: readonly StatusReason[]): string {
  return reasons.map((r) => r.message).join('; ');
}

/**
 * Moves a launchable campaign to `queued` now: builds its run, template snapshot and message rows.
 * `transition` is the table's name for it: the person's action (run, relaunch, resubmit) unless the
 * scheduler prebuilds.
 */
export async function queueNow(
  deps: CampaignDeps,
  campaign: Campaign,
  action: CampaignAction,
  from: readonly CampaignStatus[],
  actor: string,
  scheduledFor?: Date,
  transition: TransitionName = queueingTransition(action),
): Promise<LaunchOutcome> {
  const templateId = campaign.templateId ?? campaign.variants[0]?.templateId;
  if (templateId === undefined) throw new AppError('INCOMPLETE', `${campaignRef(campaign.id)} has no template.`);
  const template = await deps.templates.get(templateId);
  if (!template) throw new AppError('NOT_FOUND', `Template #${templateId} does not exist.`);
  const variants = await Promise.all(
    campaign.variants.map(async (v) => {
      const t = await deps.templates.get(v.templateId);
      if (!t) throw new AppError('NOT_FOUND', `Template #${v.templateId} of variant ${v.label} does not exist.`);
      return { ...v, content: t.content, sending: t.sending };
    }),
  );
  const result = await deps.campaigns.queueRun(
    campaign.id,
    { name: transition, onlyFrom: from },
    {
      scheduledFor: scheduledFor ?? deps.clock.now(),
      templateId,
      address: channelSpec(deps.config.channels, campaign.channel).address,
      snapshot: {
        templateId: template.id,
        templateName: template.name,
        version: template.currentVersion,
        content: template.content,
        sending: template.sending,
        variants,
      },
    },
    { actor, reason: null },
  );
  if (result.outcome === 'refused') throw raceLost(result.campaign ?? (await loadCampaign(deps, campaign.id)), action);
  return {
    campaign: result.campaign,
    warnings: [],
    run: result.run,
  };
}

function queueingTransition(action: CampaignAction): TransitionName {
  if (isTransitionName(action)) return action;
  throw new AppError('INVALID_TRANSITION', `${action} does not queue a campaign.`, { action });
}

/** Parses a send time as wall time in the zone (or an ISO instant with its own offset). */
export function parseSendAt(at: string, zone: string): Date {
  const text = at.trim().replace(' ', 'T');
  const parsed = DateTime.fromISO(text, { zone, setZone: false });
  if (!parsed.isValid) {
    throw new AppError('INVALID_INPUT', `The send time "${at}" is not a date and time (use YYYY-MM-DD HH:mm): ${parsed.invalidExplanation ?? parsed.invalidReason}.`, { field: 'at' });
  }
  return parsed.toJSDate();
}

export function formatInZone(date: Date, zone: string): string {
  return DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd HH:mm ZZZZ");
}

/** Where a launch lands for each launch type, and when. */
export async function launchTarget(
  deps: CampaignDeps,
  campaign: Campaign,
): Promise<{ to: 'ready' | 'scheduled' | 'queued'; nextRunAt: Date | null }> {
  const now = deps.clock.now();
  switch (campaign.launchType) {
    case 'now':
      return { to: 'queued', nextRunAt: null };
    case 'scheduled': {
      if (!campaign.sendAt) throw new AppError('INCOMPLETE', `${campaignRef(campaign.id)} has no send time: give it one (YYYY-MM-DD HH:mm) first.`, { field: 'at' });
      if (campaign.sendAt.getTime() <= now.getTime()) {
        const zone = campaign.timeZone ?? deps.config.accountTimeZone;
        throw new AppError('INVALID_INPUT', `The send time ${formatInZone(campaign.sendAt, zone)} has passed. Give it a new send time first.`, { field: 'at' });
      }
      return { to: 'scheduled', nextRunAt: campaign.sendAt };
    }
    case 'recurring': {
      const zone = campaign.timeZone ?? deps.config.accountTimeZone;
      const [next] = deps.cron.nextRuns(campaign.cron ?? '', zone, now, 1);
      if (!next) throw new AppError('INVALID_INPUT', `The cron expression "${campaign.cron}" never fires again.`, { field: 'cron' });
      return { to: 'scheduled', nextRunAt: next };
    }
    default:
      return { to: 'ready', nextRunAt: null };
  }
}
