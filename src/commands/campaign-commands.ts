import { campaignRef, type Campaign } from '../domain/campaign/campaign.js';
import { allowedActions } from '../domain/campaign/campaign-status.js';
import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import { campaignCalendar } from '../domain/campaign/campaign-calendar.js';
import { cancelCampaign, decideApproval } from '../domain/campaign/cancel-campaign.js';
import { cloneCampaign } from '../domain/campaign/clone-campaign.js';
import { createCampaign } from '../domain/campaign/create-campaign.js';
import { deleteCampaign } from '../domain/campaign/delete-campaign.js';
import { editCampaign } from '../domain/campaign/edit-campaign.js';
import type { LaunchOutcome } from '../domain/campaign/launch-campaign.js';
import { pauseCampaign } from '../domain/campaign/pause-campaign.js';
import { relaunchCampaign } from '../domain/campaign/relaunch-campaign.js';
import { resumeCampaign } from '../domain/campaign/resume-campaign.js';
import { runCampaign } from '../domain/campaign/run-campaign.js';
import { scheduleCampaign } from '../domain/campaign/schedule-campaign.js';
import { stopCampaign } from '../domain/campaign/stop-campaign.js';
import { loadCampaign } from '../domain/campaign/campaign-deps.js';
import { RETRYABLE_BY_HAND } from '../domain/delivery/message-status.js';
import type { ActivityEntry } from '../domain/ports/campaign-store.js';
import type { Command } from './grammar/commands.js';
import { headlineFigures } from '../domain/metrics/campaign-metrics.js';
import { activityRow, campaignCard, campaignRow, formatTime, type CampaignNames } from './render-campaign.js';
import { reply, warnings, type Reply, type ReplyBlock } from './reply.js';

type Of<N extends Command['name']> = Extract<Command, { name: N }>;

const PAGE_SIZE = 20;
const PEOPLE_FROM_ACTIVITY = 20;

/** Everyone some activity entries name: who acted, and who had asked (an approval's requester). */
export function peopleOf(ids: readonly string[], entries: readonly ActivityEntry[]): string[] {
  const requesters = entries.flatMap((e) => (typeof e.detail?.requestedBy === 'string' ? [e.detail.requestedBy] : []));
  return [...new Set([...ids, ...entries.map((e) => e.actor), ...requesters])];
}

export async function showCampaign(deps: CampaignDeps, campaignId: number, lead: ReplyBlock[] = [], visibility: Reply['visibility'] = 'ephemeral'): Promise<Reply> {
  const campaign = await loadCampaign(deps, campaignId);
  const names = await lookupNames(deps, campaign);
  // The count tables only (kept as messages change and hits are written): cheap at any size.
  const headline = (await deps.campaigns.headlineCounts([campaign.id])).get(campaign.id);
  const counts = headline?.statusCounts ?? {};
  const blocks = [...lead, ...campaignCard(campaign, names, deps.config.accountTimeZone, counts, headline ? headlineFigures(headline) : [], deps.clock.now())];
  const summary = lead.find((b) => b.type === 'text');
  // The card names its creator, and its reason or lead may name whoever acted on it lately
  // ("cancel requested by …", "asked by …"): those are the people of its recent activity.
  const recent = await deps.campaigns.activity(campaign.id, PEOPLE_FROM_ACTIVITY);
  return {
    ...reply(summary?.type === 'text' ? summary.text : `${campaignRef(campaign.id)} ${campaign.name}: ${campaign.status}`, blocks, visibility),
    people: peopleOf([campaign.createdBy], recent),
    campaign: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      actions: allowedActions(campaign.status),
      version: campaign.version,
      retryable: RETRYABLE_BY_HAND.reduce((n, status) => n + (counts[status] ?? 0), 0),
    },
  };
}

async function lookupNames(deps: CampaignDeps, c: Campaign): Promise<CampaignNames> {
  const template = c.templateId !== null ? await deps.templates.get(c.templateId) : null;
  const list = c.listId !== null ? await deps.contacts.getList(c.listId) : null;
  const segmentName = async (id: number) => (await deps.contacts.getSegment(id))?.name ?? `#${id}`;
  const variantTemplates: Record<string, string> = {};
  for (const v of c.variants) variantTemplates[v.label] = (await deps.templates.get(v.templateId))?.name ?? `#${v.templateId}`;
  return {
    template: template ? template.name : null,
    list: list ? list.name : null,
    include: await Promise.all(c.includeSegmentIds.map(segmentName)),
    exclude: await Promise.all(c.excludeSegmentIds.map(segmentName)),
    variantTemplates,
  };
}

/** Shows the campaign after a change, led by what happened and any warnings; visible to the channel. */
async function changed(deps: CampaignDeps, campaign: Campaign, headline: string, notes: readonly string[]): Promise<Reply> {
  return showCampaign(deps, campaign.id, [{ type: 'text', text: headline }, ...warnings(notes)], 'in_channel');
}

function launchHeadline(verb: string, outcome: LaunchOutcome): string {
  const c = outcome.campaign;
  const ref = campaignRef(c.id);
  if (c.status === 'failed') return `${ref} could not ${verb}: it is now failed. Fix what is listed, then /campaign relaunch ${ref}.`;
  if (c.status === 'rejected') return `${ref} was rejected by the content rules. Edit the content, then /campaign resubmit ${ref}.`;
  if (outcome.run) {
    return (
      `${ref} is queued: run ${outcome.run.number} has ${outcome.run.messages} message${outcome.run.messages === 1 ? '' : 's'}` +
      `${outcome.run.optedOut ? ` (${outcome.run.optedOut} opted out, not sent)` : ''}` +
      `${outcome.run.skipped ? `; ${outcome.run.skipped} recipient${outcome.run.skipped === 1 ? ' was' : 's were'} left out because an earlier run already reached them` : ''}` +
      ` and its template is locked. Sending starts now; follow it with /campaign messages ${ref}.`
    );
  }
  if (c.status === 'scheduled') return `${ref} is scheduled.`;
  return `${ref} is ${c.status}.`;
}

export const campaignCommands = {
  async new(deps: CampaignDeps, cmd: Of<'new'>, actor: string): Promise<Reply> {
    const { name: _command, campaignName, ...settings } = cmd;
    const outcome = await createCampaign(deps, { ...settings, name: campaignName, channel: cmd.channel, actor });
    const c = outcome.campaign;
    return changed(deps, c, `Created ${campaignRef(c.id)} "${c.name}" (${c.status}).`, outcome.warnings);
  },

  async edit(deps: CampaignDeps, cmd: Of<'edit'>, actor: string): Promise<Reply> {
    const { name: _command, campaignName, campaignId, ifVersion, ...settings } = cmd;
    const outcome = await editCampaign(deps, { ...settings, name: campaignName, campaignId, actor, expectedVersion: ifVersion });
    return changed(deps, outcome.campaign, `Saved ${campaignRef(campaignId)}.`, outcome.warnings);
  },

  async show(deps: CampaignDeps, cmd: Of<'show'>): Promise<Reply> {
    return showCampaign(deps, cmd.campaignId);
  },

  async list(deps: CampaignDeps, cmd: Of<'list'>): Promise<Reply> {
    const page = cmd.page ?? 1;
    const { items, total } = await deps.campaigns.list({
      statuses: cmd.status,
      channel: cmd.channel,
      tag: cmd.tag,
      search: cmd.search,
      page,
      pageSize: PAGE_SIZE,
    });
    const filters = [
      cmd.status?.length ? `status ${cmd.status.join('/')}` : '',
      cmd.channel ? `channel ${cmd.channel}` : '',
      cmd.tag ? `tag ${cmd.tag}` : '',
      cmd.search ? `matching "${cmd.search}"` : '',
    ].filter(Boolean);
    const title = `Campaigns${filters.length ? ` (${filters.join(', ')})` : ''}`;
    if (total === 0) return reply(`${title}: none.`);
    const pages = Math.ceil(total / PAGE_SIZE);
    const zone = deps.config.accountTimeZone;
    return reply(`${title}: ${total}`, [
      { type: 'header', text: title },
      { type: 'table', columns: ['ID', 'Name', 'Status', 'Channel', 'Launch', 'Tags'], rows: items.map((c) => campaignRow(c, zone)) },
      { type: 'context', text: `${total} campaign${total === 1 ? '' : 's'} · page ${page} of ${pages}${page < pages ? ` · next: /campaign list --page ${page + 1}` : ''}` },
    ]);
  },

  async clone(deps: CampaignDeps, cmd: Of<'clone'>, actor: string): Promise<Reply> {
    const outcome = await cloneCampaign(deps, { campaignId: cmd.campaignId, actor, name: cmd.campaignName });
    return changed(deps, outcome.campaign, `Cloned ${campaignRef(cmd.campaignId)} into ${campaignRef(outcome.campaign.id)} (${outcome.campaign.status}).`, outcome.warnings);
  },

  async delete(deps: CampaignDeps, cmd: Of<'delete'>, actor: string): Promise<Reply> {
    await deleteCampaign(deps, { campaignId: cmd.campaignId, actor });
    return reply(`Deleted ${campaignRef(cmd.campaignId)}. Its activity log and messages are kept for the record.`, [], 'in_channel');
  },

  async run(deps: CampaignDeps, cmd: Of<'run'>, actor: string): Promise<Reply> {
    const outcome = await runCampaign(deps, { campaignId: cmd.campaignId, actor });
    return changed(deps, outcome.campaign, launchHeadline('run', outcome), outcome.warnings);
  },

  async schedule(deps: CampaignDeps, cmd: Of<'schedule'>, actor: string): Promise<Reply> {
    const outcome = await scheduleCampaign(deps, { campaignId: cmd.campaignId, actor, at: cmd.at, cron: cmd.cron, tz: cmd.tz });
    return changed(deps, outcome.campaign, launchHeadline('be scheduled', outcome), outcome.warnings);
  },

  async pause(deps: CampaignDeps, cmd: Of<'pause'>, actor: string): Promise<Reply> {
    const outcome = await pauseCampaign(deps, { campaignId: cmd.campaignId, actor, reason: cmd.reason });
    return changed(deps, outcome.campaign, `Paused ${campaignRef(cmd.campaignId)}. Resume it with /campaign resume ${campaignRef(cmd.campaignId)}.`, outcome.warnings);
  },

  async resume(deps: CampaignDeps, cmd: Of<'resume'>, actor: string): Promise<Reply> {
    const outcome = await resumeCampaign(deps, { campaignId: cmd.campaignId, actor, skip: cmd.skip });
    return changed(deps, outcome.campaign, `Resumed ${campaignRef(cmd.campaignId)}: it is ${outcome.campaign.status} again.`, outcome.warnings);
  },

  async stop(deps: CampaignDeps, cmd: Of<'stop'>, actor: string): Promise<Reply> {
    const outcome = await stopCampaign(deps, { campaignId: cmd.campaignId, actor, reason: cmd.reason });
    return changed(deps, outcome.campaign, `Stopped ${campaignRef(cmd.campaignId)}. Edit it and /campaign relaunch ${campaignRef(cmd.campaignId)} when ready.`, outcome.warnings);
  },

  async cancel(deps: CampaignDeps, cmd: Of<'cancel'>, actor: string): Promise<Reply> {
    const outcome = await cancelCampaign(deps, { campaignId: cmd.campaignId, actor, confirm: cmd.confirm, reason: cmd.reason });
    const ref = campaignRef(cmd.campaignId);
    if (outcome.approval) {
      const a = outcome.approval;
      return changed(
        deps,
        outcome.campaign,
        `${ref} is sending, so cancelling needs a second person. Approval A-${a.id} is waiting (asked by ${a.requestedBy}, expires ${formatTime(a.expiresAt, deps.config.accountTimeZone)}): ` +
          `someone else can /campaign approve A-${a.id} or /campaign deny A-${a.id}.`,
        outcome.warnings,
      );
    }
    return changed(deps, outcome.campaign, `Cancelled ${ref}. This cannot be undone; clone it to start again.`, outcome.warnings);
  },

  async relaunch(deps: CampaignDeps, cmd: Of<'relaunch'>, actor: string): Promise<Reply> {
    const outcome = await relaunchCampaign(deps, { campaignId: cmd.campaignId, actor, action: 'relaunch' });
    return changed(deps, outcome.campaign, launchHeadline('relaunch', outcome), outcome.warnings);
  },

  async resubmit(deps: CampaignDeps, cmd: Of<'resubmit'>, actor: string): Promise<Reply> {
    const outcome = await relaunchCampaign(deps, { campaignId: cmd.campaignId, actor, action: 'resubmit' });
    return changed(deps, outcome.campaign, launchHeadline('resubmit', outcome), outcome.warnings);
  },

  async approve(deps: CampaignDeps, cmd: Of<'approve'>, actor: string): Promise<Reply> {
    const outcome = await decideApproval(deps, { approvalId: cmd.approvalId, actor, decision: 'approved' });
    return changed(deps, outcome.campaign, `Approved A-${cmd.approvalId}: ${campaignRef(outcome.campaign.id)} is cancelled.`, outcome.warnings);
  },

  async deny(deps: CampaignDeps, cmd: Of<'deny'>, actor: string): Promise<Reply> {
    const outcome = await decideApproval(deps, { approvalId: cmd.approvalId, actor, decision: 'denied', reason: cmd.reason });
    return changed(deps, outcome.campaign, `Denied A-${cmd.approvalId}: ${campaignRef(outcome.campaign.id)} keeps ${outcome.campaign.status}.`, []);
  },

  async activity(deps: CampaignDeps, cmd: Of<'activity'>): Promise<Reply> {
    const campaign = await loadCampaign(deps, cmd.campaignId);
    const limit = cmd.limit ?? 50;
    const entries = await deps.campaigns.activity(campaign.id, limit);
    const zone = deps.config.accountTimeZone;
    return {
      ...reply(`Activity of ${campaignRef(campaign.id)}: ${entries.length} entries`, [
        { type: 'header', text: `Activity: ${campaignRef(campaign.id)} ${campaign.name}` },
        { type: 'table', columns: [`When (${zone})`, 'Who', 'Action', 'Status', 'Reason / detail'], rows: entries.map((e) => activityRow(e, zone)) },
        { type: 'context', text: entries.length === limit ? `latest ${limit} entries; more with --limit` : `${entries.length} entries, oldest first` },
      ]),
      people: peopleOf([], entries),
    };
  },

  async calendar(deps: CampaignDeps, cmd: Of<'calendar'>): Promise<Reply> {
    const days = cmd.days ?? 30;
    const { entries } = await campaignCalendar(deps, { days });
    const zone = deps.config.accountTimeZone;
    if (entries.length === 0) return reply(`No launches in the next ${days} days (drafts are not on the calendar).`);
    return reply(`${entries.length} launches in the next ${days} days`, [
      { type: 'header', text: `Calendar: next ${days} days (${zone})` },
      {
        type: 'table',
        columns: ['When', 'ID', 'Name', 'Channel', 'Status', 'Launch'],
        rows: entries.map((e) => [
          formatTime(e.at, zone),
          campaignRef(e.campaign.id),
          e.campaign.name,
          e.campaign.channel,
          e.campaign.status,
          e.occurrence ? `recurring #${e.occurrence}` : (e.campaign.launchType ?? ''),
        ]),
      },
      { type: 'context', text: 'Drafts have no launch time and are not shown.' },
    ]);
  },
};
