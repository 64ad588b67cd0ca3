import type { types } from '@slack/bolt';
import { formatTime, headlineValue, statusLabel } from '../../commands/render-campaign.js';
import type { Figure } from '../../domain/metrics/campaign-metrics.js';
import { campaignRef, type Campaign } from '../../domain/campaign/campaign.js';
import type { CalendarEntry } from '../../domain/campaign/campaign-calendar.js';
import type { CampaignStatus } from '../../domain/campaign/campaign-status.js';
import type { Approval } from '../../domain/ports/approval-store.js';
import { FILE_ACTIONS, HOME_ACTIONS } from '../ids.js';
import type { RoleOrNone } from '../roles.js';
import { cut, escapeMrkdwn, LIMITS } from './mrkdwn.js';
import { context, header, section, type KnownBlock } from './reply-blocks.js';

export interface HomeData {
  role: RoleOrNone;
  zone: string;
  mine: { items: Campaign[]; total: number };
  byStatus: { status: CampaignStatus; total: number; sample: Campaign[] }[];
  /** Headline figures (delivered, open rate, click-through rate) of the campaigns shown that have messages. */
  headlines?: ReadonlyMap<number, readonly Figure[]>;
  /** null when the person is not an approver (the section is not shown). */
  approvals: { approval: Approval; campaign: Campaign | null }[] | null;
  upcoming: CalendarEntry[];
  /** Templates whose sending details the person may edit (marketers and up); empty otherwise. */
  templates: { id: number; name: string; channel: string }[];
}

const LIVE: readonly CampaignStatus[] = ['scheduled', 'queued', 'sending', 'paused', 'suspended'];
const MAX_APPROVALS = 10;
const MAX_TEMPLATES = 10;

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return { type: 'button', text: { type: 'plain_text', text: cut(text, LIMITS.buttonText) }, action_id: actionId, value, ...(style ? { style } : {}) };
}

function campaignLine(c: Campaign, zone: string, headline?: readonly Figure[]): string {
  const when = c.nextRunAt ?? c.sendAt;
  const figures = headline?.length ? `\n${headline.map((f) => `${HOME_LABELS[f.key] ?? f.label} ${headlineValue(f)}`).join(' · ')}` : '';
  return `*${campaignRef(c.id)}* ${escapeMrkdwn(cut(c.name, 60))} · ${statusLabel(c)} · ${c.channel}${when ? ` · ${formatTime(when, c.timeZone ?? zone)}` : ''}${figures}`;
}

/** Short labels for a Home row; the definitions are on the card and in stats. */
const HOME_LABELS: Record<string, string> = { delivered: 'delivered', open_rate: 'open', click_through_rate: 'click' };

/** The App Home tab: my campaigns, campaigns by status, approvals waiting (approvers), upcoming launches. */
export function appHomeView(data: HomeData): types.HomeView {
  const blocks: KnownBlock[] = [
    header('Herald campaigns'),
    context(`Your role: *${data.role}* · times in ${data.zone} · type \`/campaign help\` anywhere for every command`),
  ];
  if (data.role !== 'none' && data.role !== 'viewer') {
    blocks.push({
      type: 'actions',
      block_id: 'home_top',
      elements: [
        button('New campaign', HOME_ACTIONS.newCampaign, 'new', 'primary'),
        button('Import contacts', FILE_ACTIONS.importContacts, 'import'),
        button('Template from files', FILE_ACTIONS.uploadTemplate, 'upload'),
      ],
    });
  }
  blocks.push({ type: 'divider' }, section(`*My campaigns* (${data.mine.total})`));
  if (data.mine.items.length === 0) blocks.push(context('You have not created a campaign yet.'));
  for (const c of data.mine.items) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: campaignLine(c, data.zone, data.headlines?.get(c.id)) }, accessory: button('Show', HOME_ACTIONS.show, String(c.id)) });
  }
  if (data.mine.total > data.mine.items.length) blocks.push(context(`…and ${data.mine.total - data.mine.items.length} more: /campaign list`));

  blocks.push({ type: 'divider' }, section('*Campaigns by status*'));
  const counted = data.byStatus.filter((s) => s.total > 0);
  if (counted.length === 0) blocks.push(context('No campaigns yet.'));
  for (let i = 0; i < counted.length; i += LIMITS.fieldsPerSection) {
    blocks.push({ type: 'section', fields: counted.slice(i, i + LIMITS.fieldsPerSection).map((s) => ({ type: 'mrkdwn' as const, text: `*${s.status}*\n${s.total}` })) });
  }
  for (const s of counted.filter((x) => LIVE.includes(x.status) && x.sample.length)) {
    blocks.push(section(`*${s.status}*\n${s.sample.map((c) => `• ${campaignLine(c, data.zone, data.headlines?.get(c.id))}`).join('\n')}${s.total > s.sample.length ? `\n…${s.total - s.sample.length} more: /campaign list --status ${s.status}` : ''}`));
  }

  if (data.approvals) {
    blocks.push({ type: 'divider' }, section(`*Pending approvals* (${data.approvals.length})`));
    if (data.approvals.length === 0) blocks.push(context('Nothing waits for an approver.'));
    for (const { approval: a, campaign } of data.approvals.slice(0, MAX_APPROVALS)) {
      const what = campaign ? `${campaignRef(campaign.id)} ${escapeMrkdwn(cut(campaign.name, 60))} (${campaign.status})` : campaignRef(a.campaignId);
      blocks.push(section(`*A-${a.id}* cancel ${what}\nasked by <@${a.requestedBy}>${a.reason ? `: ${escapeMrkdwn(cut(a.reason, 200))}` : ''} · expires ${formatTime(a.expiresAt, data.zone)}`));
      blocks.push({
        type: 'actions',
        block_id: `approval_${a.id}`,
        elements: [button('Approve cancel', HOME_ACTIONS.approve, String(a.id), 'danger'), button('Deny', HOME_ACTIONS.deny, String(a.id))],
      });
    }
    if (data.approvals.length > MAX_APPROVALS) blocks.push(context(`…${data.approvals.length - MAX_APPROVALS} more; decide with /campaign approve A-… or deny A-…`));
  }

  blocks.push({ type: 'divider' }, section('*Upcoming launches* (next 7 days)'));
  blocks.push(
    data.upcoming.length === 0
      ? context('Nothing is scheduled (drafts are not on the calendar).')
      : section(cut(data.upcoming.slice(0, 15).map((e) => `• ${formatTime(e.at, data.zone)} — ${campaignRef(e.campaign.id)} ${escapeMrkdwn(cut(e.campaign.name, 60))}${e.occurrence ? ` (run #${e.occurrence})` : ''}`).join('\n'), LIMITS.sectionText)),
  );
  if (data.upcoming.length > 15) blocks.push(context(`…${data.upcoming.length - 15} more: /campaign calendar --days 7`));

  if (data.templates.length) {
    blocks.push({ type: 'divider' }, section('*Templates* — sending details apply to every future campaign using the template'));
    for (const t of data.templates.slice(0, MAX_TEMPLATES)) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${escapeMrkdwn(cut(t.name, 80))} (${t.channel})` }, accessory: button('Sending details', HOME_ACTIONS.editTemplateSending, String(t.id)) });
    }
    if (data.templates.length > MAX_TEMPLATES) blocks.push(context(`…${data.templates.length - MAX_TEMPLATES} more: /campaign templates`));
  }
  return { type: 'home', blocks: blocks.slice(0, LIMITS.viewBlocks) };
}
