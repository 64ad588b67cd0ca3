import { campaignRef, type Campaign } from './campaign.js';
import type { CampaignStatus } from './campaign-status.js';
import { assertAction, loadCampaign, transitionOrExplain, type CampaignDeps, type CampaignOutcome } from './campaign-deps.js';
import type { StatusPatch } from '../ports/campaign-store.js';
import { formatInZone } from './launch-campaign.js';
import { AppError } from '../errors.js';
import { isHeldAsOverdue } from '../scheduling/overdue-send.js';

/**
 * `resume`: back to the status it was paused or suspended from. A one-off campaign whose send time
 * passed while paused is not sent late by surprise (seed 001): it becomes `stopped`, to edit and relaunch.
 * A send held as overdue (`--if-late ask`) is the person's decision: resume sends it now, `skip`
 * skips it (to the next run, or `stopped` for a one-off).
 */
export async function resumeCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string; skip?: boolean }): Promise<CampaignOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'resume');
  if (isHeldAsOverdue(campaign)) return decideOverdue(deps, campaign, input.actor, input.skip === true);
  if (input.skip) {
    throw new AppError('INVALID_INPUT', `Skipping is only for a send held as overdue (if late: ask); ${campaignRef(campaign.id)} is ${campaign.status} for another reason: resume it without skipping.`, {
      field: 'skip',
    });
  }
  const now = deps.clock.now();
  const zone = campaign.timeZone ?? deps.config.accountTimeZone;
  let to = campaign.resumeTo ?? 'queued';
  const patch: StatusPatch = { resumeTo: null, statusReason: null, statusDetails: null };
  const warnings: string[] = [];
  // The one-off send time it was waiting for: before the prebuild (scheduled) or after it (queued,
  // run built for nextRunAt). A `run` queues for now and has no such time.
  const sendTime = campaign.launchType === 'recurring' ? null : to === 'scheduled' ? campaign.sendAt : to === 'queued' ? campaign.nextRunAt : null;
  if (to === 'scheduled' && campaign.launchType === 'recurring' && campaign.cron) {
    const [next] = deps.cron.nextRuns(campaign.cron, zone, now, 1);
    patch.nextRunAt = next ?? null;
    if (next) warnings.push(`Next run: ${formatInZone(next, zone)}.`);
  } else if (sendTime && sendTime.getTime() <= now.getTime()) {
    to = 'stopped';
    patch.statusReason = `send time ${formatInZone(sendTime, zone)} passed while paused`;
    warnings.push(
      `The send time ${formatInZone(sendTime, zone)} passed while ${campaignRef(campaign.id)} was paused, so it was not sent late: ` +
        `it is now stopped. Give it a new send time, then relaunch it.`,
    );
  }
  const resumed = await transitionOrExplain(deps, campaign, 'resume', { name: 'resume', onlyFrom: [campaign.status] }, to, patch, {
    actor: input.actor,
    reason: to === 'stopped' ? patch.statusReason ?? null : null,
    detail: campaign.status === 'suspended' ? { suspendedFor: campaign.statusReason } : null,
  });
  return { campaign: resumed, warnings };
}

/** The decision on a send held as overdue: now (back to where it was, due from now) or skipped. */
async function decideOverdue(deps: CampaignDeps, campaign: Campaign, actor: string, skip: boolean): Promise<CampaignOutcome> {
  const now = deps.clock.now();
  const zone = campaign.timeZone ?? deps.config.accountTimeZone;
  const ref = campaignRef(campaign.id);
  const patch: StatusPatch = { resumeTo: null, statusReason: null, statusDetails: null };
  let to: CampaignStatus = campaign.resumeTo ?? 'scheduled';
  const warnings: string[] = [];
  if (!skip) {
    // Due now: a scheduled one is prebuilt and started by the next tick; a queued one is due from now.
    if (to === 'scheduled') patch.nextRunAt = now;
    warnings.push(`${ref} sends now, late: it was held because Herald was down at its send time.`);
  } else {
    const next = campaign.launchType === 'recurring' && campaign.cron ? (deps.cron.nextRuns(campaign.cron, zone, now, 1)[0] ?? null) : null;
    to = next ? 'scheduled' : 'stopped';
    patch.nextRunAt = next;
    if (!next) patch.statusReason = 'the overdue send was skipped by a person';
    warnings.push(
      next
        ? `Skipped the overdue run of ${ref}; next run ${formatInZone(next, zone)}.`
        : `Skipped the overdue send of ${ref}: it is stopped. Give it a new send time, then relaunch it.`,
    );
  }
  const resumed = await transitionOrExplain(deps, campaign, 'resume', { name: 'resume', onlyFrom: ['suspended'] }, to, patch, {
    actor,
    action: skip ? 'overdue_skipped' : 'overdue_sent_now',
    reason: skip ? 'overdue send skipped' : 'overdue send sent now',
    detail: { suspendedFor: campaign.statusReason },
  });
  return { campaign: resumed, warnings };
}
