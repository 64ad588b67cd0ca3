import { campaignRef } from '../domain/campaign/campaign.js';
import { loadCampaign } from '../domain/campaign/campaign-deps.js';
import { FAILURE_CATEGORY_MEANING, MESSAGE_STATUS_MEANING, type MessageStatus } from '../domain/delivery/message-status.js';
import { previewMessage } from '../domain/delivery/preview-message.js';
import { retryMessages } from '../domain/delivery/retry-messages.js';
import { sendTestMessage } from '../domain/delivery/send-test-message.js';
import type { CommandContext } from './command-context.js';
import type { Command } from './grammar/commands.js';
import { formatTime } from './render-campaign.js';
import { errorReply, reply, warnings, type Reply, type ReplyBlock } from './reply.js';
import { showCampaign } from './campaign-commands.js';

type Of<N extends Command['name']> = Extract<Command, { name: N }>;

const PAGE_SIZE = 25;

/** A message row's status as people read it: an SMS handed off and waiting for its receipt says so. */
function statusText(status: MessageStatus, inFlight: boolean): string {
  if (status === 'sending') return inFlight ? 'sending' : 'sending · awaiting receipt';
  return status;
}

export const deliveryCommands = {
  async messages(ctx: CommandContext, cmd: Of<'messages'>): Promise<Reply> {
    const campaign = await loadCampaign(ctx.deps, cmd.campaignId);
    const page = cmd.page ?? 1;
    const { items, total } = await ctx.delivery.delivery.listMessages({
      campaignId: campaign.id,
      status: cmd.status,
      category: cmd.reason,
      search: cmd.search,
      page,
      pageSize: PAGE_SIZE,
    });
    const counts = await ctx.delivery.delivery.counts(campaign.id);
    const ref = campaignRef(campaign.id);
    const filters = [cmd.status && `status ${cmd.status}`, cmd.reason && `reason ${cmd.reason}`, cmd.search && `matching "${cmd.search}"`].filter(Boolean);
    const title = `Messages of ${ref} ${campaign.name}${filters.length ? ` (${filters.join(', ')})` : ''}`;
    const summary = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s} ${n}`).join(' · ') || 'no messages yet';
    const blocks: ReplyBlock[] = [{ type: 'header', text: title }, { type: 'context', text: `All runs: ${summary}` }];
    if (total === 0) {
      blocks.push({ type: 'text', text: 'No messages match.' });
      return reply(`${title}: none`, blocks);
    }
    const zone = ctx.deps.config.accountTimeZone;
    blocks.push({
      type: 'table',
      columns: ['ID', 'Run', 'Recipient', 'Status', 'Attempts', 'Reason', `Updated (${zone})`],
      rows: items.map((m) => [
        `M-${m.id}`,
        String(m.runNumber),
        m.recipient,
        statusText(m.status, m.inFlight),
        String(m.attempts),
        [m.failureCategory, m.failureReason].filter(Boolean).join(': ').slice(0, 120),
        formatTime(m.updatedAt, zone),
      ]),
    });
    const pages = Math.ceil(total / PAGE_SIZE);
    blocks.push({ type: 'context', text: `${total} message${total === 1 ? '' : 's'} · page ${page} of ${pages}${page < pages ? ` · next: /campaign messages ${ref} --page ${page + 1}` : ''}` });
    if (cmd.status) blocks.push({ type: 'context', text: `${cmd.status}: ${MESSAGE_STATUS_MEANING[cmd.status]}` });
    if (cmd.reason && cmd.reason in FAILURE_CATEGORY_MEANING) {
      blocks.push({ type: 'context', text: `${cmd.reason}: ${FAILURE_CATEGORY_MEANING[cmd.reason as keyof typeof FAILURE_CATEGORY_MEANING]}` });
    }
    return reply(`${title}: ${total}`, blocks);
  },

  async retry(ctx: CommandContext, cmd: Of<'retry'>, actor: string): Promise<Reply> {
    const ids = cmd.all || !cmd.messageIds?.length ? 'all' : cmd.messageIds.map(String);
    const outcome = await retryMessages(ctx.delivery, { campaignId: cmd.campaignId, actor, messageIds: ids, confirm: cmd.confirm === true });
    const ref = campaignRef(cmd.campaignId);
    const refused = outcome.refused.length ? [{ type: 'list' as const, items: outcome.refused.map((r) => `M-${r.id}: ${r.why}`) }] : [];
    if (outcome.retryable === 0) return reply(`${ref} has no failed or unknown messages to retry.`, [{ type: 'text', text: `${ref} has no failed or unknown messages to retry.` }, ...refused]);
    const what = Object.entries(outcome.byStatus).map(([s, n]) => `${n} ${s}`).join(', ');
    if (!outcome.applied) {
      // How to confirm is each edge's to say: the console's --confirm, Slack's Retry button.
      const text = `Retry ${outcome.retryable} message${outcome.retryable === 1 ? '' : 's'} of ${ref} (${what})? This puts ${ref} back to sending; opted-out recipients are never retried.`;
      return { ...reply(text, [{ type: 'text', text }, ...warnings(outcome.warnings), ...refused]), code: 'CONFIRMATION_REQUIRED', confirm: { field: 'confirm' } };
    }
    ctx.worker?.wake();
    const headline =
      `Retrying ${outcome.requeued} message${outcome.requeued === 1 ? '' : 's'} of ${ref} (${what}); it is sending again.` +
      (outcome.optedOut ? ` ${outcome.optedOut} recipient${outcome.optedOut === 1 ? ' has' : 's have'} opted out since and will not be sent to.` : '');
    const card = await showCampaign(ctx.deps, cmd.campaignId, [{ type: 'text', text: headline }, ...warnings(outcome.warnings), ...refused], 'in_channel');
    return card;
  },

  async preview(ctx: CommandContext, cmd: Of<'preview'>): Promise<Reply> {
    const { campaign, message, contactLabel } = await previewMessage(ctx.delivery, { campaignId: cmd.campaignId, contact: cmd.contact });
    const ref = campaignRef(campaign.id);
    const spec = ctx.deps.config.channels.get(campaign.channel);
    const fields: [string, string][] =
      spec?.content === 'email'
        ? [
            ['From', message.from?.name ? `${message.from.name} <${message.from.address}>` : (message.from?.address ?? '—')],
            ['Reply-To', message.replyTo ?? '—'],
            ['To', message.to || '—'],
            ['Subject', message.subject ?? ''],
          ]
        : [
            ...(message.sender !== undefined ? [['From', message.sender || '—'] as [string, string]] : []),
            ['To', message.to || '—'],
            ...(spec?.segmented ? [['Segments', String(ctx.delivery.providers[campaign.channel]?.segments(message.text) ?? 1)] as [string, string]] : []),
          ];
    const blocks: ReplyBlock[] = [
      { type: 'header', text: `Preview: ${ref} ${campaign.name}` },
      { type: 'context', text: `Rendered for ${contactLabel}` },
      { type: 'fields', fields },
      { type: 'text', text: message.text },
    ];
    if (message.html) blocks.push({ type: 'context', text: `HTML part: ${message.html.length} characters (the text part is shown above)` });
    return reply(`Preview of ${ref}: ${message.subject ?? message.text.slice(0, 80)}`, blocks);
  },

  async test(ctx: CommandContext, cmd: Of<'test'>, actor: string): Promise<Reply> {
    const { result, to, channel } = await sendTestMessage(ctx.delivery, { campaignId: cmd.campaignId, to: cmd.to, actor });
    const ref = campaignRef(cmd.campaignId);
    if (result.outcome === 'sent') {
      return reply(`Sent a test ${channel} of ${ref} to ${to}${result.providerMessageId ? ` (${result.providerMessageId})` : ''}. It is not part of the campaign’s messages or metrics.`);
    }
    return errorReply(`The test ${channel} of ${ref} to ${to} was not sent: ${result.category} — ${result.reason}${result.outcome === 'retryable' ? ' (temporary; try again shortly)' : ''}.`);
  },

  async outbox(ctx: CommandContext, cmd: Of<'outbox'>): Promise<Reply> {
    if (!ctx.outbox) {
      return reply('Nothing is captured locally: mail goes to SMTP_URL and SMS to Twilio. Captures exist only on the embedded default.');
    }
    const limit = cmd.limit ?? 20;
    const zone = ctx.deps.config.accountTimeZone;
    const blocks: ReplyBlock[] = [];
    if (cmd.channel !== 'sms') {
      const mail = await ctx.outbox.mail(limit);
      blocks.push({ type: 'header', text: `Captured mail (newest ${mail.length})` });
      blocks.push(
        mail.length
          ? { type: 'table', columns: [`Date (${zone})`, 'To', 'Subject', 'File'], rows: mail.map((m) => [formatTime(m.date, zone), m.to ?? '', m.subject ?? '', m.file]) }
          : { type: 'text', text: 'No mail captured yet.' },
      );
    }
    if (cmd.channel !== 'email') {
      const sms = await ctx.outbox.sms(limit);
      blocks.push({ type: 'header', text: `Captured SMS (newest ${sms.length})` });
      blocks.push(
        sms.length
          ? { type: 'table', columns: [`Date (${zone})`, 'To', 'From', 'Segments', 'Text'], rows: sms.map((m) => [formatTime(new Date(m.at), zone), m.to, m.sender ?? '', String(m.segments), m.text.slice(0, 80)]) }
          : { type: 'text', text: 'No SMS captured yet.' },
      );
    }
    blocks.push({ type: 'context', text: `Mail: ${ctx.outbox.where.mail} · SMS: ${ctx.outbox.where.sms}` });
    return reply('Captured messages', blocks);
  },
};
