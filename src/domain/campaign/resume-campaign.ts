import { campaignRef } from './campaign.js';
import { assertAction, loadCampaign, transitionOrExplain, type CampaignDeps, type CampaignOutcome } from './campaign-deps.js';
import type { StatusPatch } from '../ports/campaign-store.js';
import { formatInZone } from './launch-campaign.js';

/**
 * `resume`: back to the status it was paused or suspended from. A one-off campaign whose send time
 * passed while paused is not sent late by surprise (seed 001): it becomes `stopped`, to edit and relaunch.
 */
export async function resumeCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string }): Promise<CampaignOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'resume');
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
