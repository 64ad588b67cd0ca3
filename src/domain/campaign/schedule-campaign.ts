import { AppError } from '../errors.js';
import { campaignRef } from './campaign.js';
import { assertAction, loadCampaign, transitionOrExplain, type CampaignDeps } from './campaign-deps.js';
import { formatInZone, parseSendAt, refuseIfInvalid, type LaunchOutcome } from './launch-campaign.js';
import { validateTimeZone } from './campaign-settings.js';

export interface ScheduleInput {
  campaignId: number;
  actor: string;
  at?: string;
  cron?: string;
  tz?: string;
}

/** `schedule`: a one-off send time or a recurring cron, each in a time zone; launch checks run now. */
export async function scheduleCampaign(deps: CampaignDeps, input: ScheduleInput): Promise<LaunchOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  assertAction(campaign, 'schedule');
  if ((input.at === undefined) === (input.cron === undefined)) {
    throw new AppError('INVALID_INPUT', 'Give exactly one of a send time (a one-off send) or a cron expression (recurring).', { field: input.at === undefined ? 'at' : 'cron' });
  }
  const zone = validateTimeZone(input.tz ?? campaign.timeZone ?? deps.config.accountTimeZone);
  const now = deps.clock.now();
  let patch;
  if (input.at !== undefined) {
    const sendAt = parseSendAt(input.at, zone);
    if (sendAt.getTime() <= now.getTime()) {
      throw new AppError('INVALID_INPUT', `The send time ${formatInZone(sendAt, zone)} is in the past (now ${formatInZone(now, zone)}).`, { field: 'at' });
    }
    patch = { launchType: 'scheduled' as const, sendAt, timeZone: zone, cron: null, nextRunAt: sendAt };
  } else {
    const cron = input.cron!.trim();
    const problem = deps.cron.validate(cron);
    if (problem) throw new AppError('INVALID_INPUT', `The cron expression "${cron}" is not valid: ${problem}.`, { field: 'cron' });
    const [next] = deps.cron.nextRuns(cron, zone, now, 1);
    if (!next) throw new AppError('INVALID_INPUT', `The cron expression "${cron}" never fires.`, { field: 'cron' });
    patch = { launchType: 'recurring' as const, sendAt: null, timeZone: zone, cron, nextRunAt: next };
  }
  const refused = await refuseIfInvalid(deps, { ...campaign, ...patch }, 'schedule', ['ready'], input.actor);
  if (refused) return refused;
  const scheduled = await transitionOrExplain(deps, campaign, 'schedule', { name: 'schedule' }, 'scheduled', patch, {
    actor: input.actor,
    detail: { sendAt: patch.nextRunAt.toISOString(), timeZone: zone, cron: patch.cron },
  });
  const warnings = [];
  if (patch.nextRunAt.getTime() - now.getTime() < deps.config.prebuildLeadMs) {
    warnings.push(
      `${campaignRef(campaign.id)} sends within ${Math.round(deps.config.prebuildLeadMs / 3_600_000)} h: it will be prebuilt (template locked) right away.`,
    );
  }
  return { campaign: scheduled, warnings };
}
