import type { webApi } from '@slack/bolt';
import { campaignCalendar } from '../domain/campaign/campaign-calendar.js';
import { headlineFigures } from '../domain/metrics/campaign-metrics.js';
import { CAMPAIGN_STATUSES } from '../domain/campaign/campaign-status.js';
import { appHomeView, type HomeData } from './blocks/app-home.js';
import { hasRole } from './roles.js';
import type { SlackContext } from './slack-context.js';

/** Reads what the Home tab shows for one person (their role decides the approvals and templates sections). */
export async function loadHome(ctx: SlackContext, userId: string): Promise<HomeData> {
  const { deps } = ctx;
  const role = await ctx.roleOf(userId);
  const now = deps.clock.now();
  const [mine, byStatus, pending, calendar, templates] = await Promise.all([
    deps.campaigns.list({ createdBy: userId, page: 1, pageSize: 10 }),
    Promise.all(CAMPAIGN_STATUSES.map(async (status) => {
      const { items, total } = await deps.campaigns.list({ statuses: [status], page: 1, pageSize: 3 });
      return { status, total, sample: items };
    })),
    hasRole(role, 'approver') ? deps.approvals.listPending(now) : Promise.resolve(null),
    campaignCalendar(deps, { days: 7 }),
    hasRole(role, 'marketer') ? deps.templates.list() : Promise.resolve([]),
  ]);
  // Headline figures of the campaigns shown, from the count tables in two reads whatever their size.
  const shown = [...mine.items, ...byStatus.flatMap((s) => s.sample)].map((c) => c.id);
  const counts = await deps.campaigns.headlineCounts(shown);
  const headlines = new Map([...counts].map(([id, h]) => [id, headlineFigures(h)]));
  const approvals = pending ? await Promise.all(pending.map(async (approval) => ({ approval, campaign: await deps.campaigns.get(approval.campaignId) }))) : null;
  return {
    role,
    zone: deps.config.accountTimeZone,
    mine,
    byStatus,
    headlines,
    approvals,
    upcoming: calendar.entries,
    templates: templates.map((t) => ({ id: t.id, name: t.name, channel: t.channel })),
  };
}

export async function publishHome(ctx: SlackContext, client: webApi.WebClient, userId: string): Promise<void> {
  await client.views.publish({ user_id: userId, view: appHomeView(await loadHome(ctx, userId)) });
}
