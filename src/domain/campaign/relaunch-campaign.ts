import { assertAction, loadCampaign, transitionOrExplain, type CampaignDeps } from './campaign-deps.js';
import { launchTarget, queueNow, refuseIfInvalid, type LaunchOutcome } from './launch-campaign.js';

/**
 * `relaunch` (stopped, failed) and `resubmit` (rejected): run the launch checks again, then go where
 * the launch type says: `now` is queued at once, `manual` becomes ready, `scheduled`/`recurring` wait.
 */
export async function relaunchCampaign(
  deps: CampaignDeps,
  input: { campaignId: number; actor: string; action: 'relaunch' | 'resubmit' },
): Promise<LaunchOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, input.action);
  const target = await launchTarget(deps, campaign);
  const refused = await refuseIfInvalid(deps, campaign, input.action, [campaign.status], input.actor);
  if (refused) return refused;
  if (target.to === 'queued') return queueNow(deps, campaign, input.action, [campaign.status], input.actor);
  const relaunched = await transitionOrExplain(
    deps,
    campaign,
    input.action,
    { name: input.action, onlyFrom: [campaign.status] },
    target.to,
    { statusReason: null, statusDetails: null, nextRunAt: target.nextRunAt },
    { actor: input.actor },
  );
  return { campaign: relaunched, warnings: [] };
}
