import type { Campaign } from './campaign.js';
import type { CampaignDeps } from './campaign-deps.js';

export interface CalendarEntry {
  at: Date;
  campaign: Campaign;
  /** 1-based occurrence for recurring campaigns within the window. */
  occurrence: number | null;
}

const MAX_OCCURRENCES_PER_CAMPAIGN = 50;

/** Upcoming launches in [now, now + days), drafts excluded (seed 001); recurring ones expanded. */
export async function campaignCalendar(deps: CampaignDeps, input: { days: number }): Promise<{ from: Date; to: Date; entries: CalendarEntry[] }> {
  const from = deps.clock.now();
  const to = new Date(from.getTime() + input.days * 86_400_000);
  const entries: CalendarEntry[] = [];
  for (const campaign of await deps.campaigns.upcoming(from, to)) {
    if (campaign.launchType === 'recurring' && campaign.cron) {
      const zone = campaign.timeZone ?? deps.config.accountTimeZone;
      const start = new Date(Math.max(from.getTime(), (campaign.nextRunAt ?? from).getTime()) - 1);
      const runs = deps.cron.nextRuns(campaign.cron, zone, start, MAX_OCCURRENCES_PER_CAMPAIGN).filter((d) => d < to);
      runs.forEach((at, i) => entries.push({ at, campaign, occurrence: i + 1 }));
    } else {
      const at = campaign.nextRunAt ?? campaign.sendAt;
      if (at) entries.push({ at, campaign, occurrence: null });
    }
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || a.campaign.id - b.campaign.id);
  return { from, to, entries };
}
