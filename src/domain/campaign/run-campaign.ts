import { loadCampaign, assertAction, type CampaignDeps } from './campaign-deps.js';
import { queueNow, refuseIfInvalid, type LaunchOutcome } from './launch-campaign.js';

/** `run`: launch a ready campaign now. Fails it with reasons when the launch checks do not pass. */
export async function runCampaign(deps: CampaignDeps, input: { campaignId: number; actor: string }): Promise<LaunchOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'run');
  const refused = await refuseIfInvalid(deps, campaign, 'run', ['ready'], input.actor);
  if (refused) return refused;
  return queueNow(deps, campaign, 'run', ['ready'], input.actor);
}
