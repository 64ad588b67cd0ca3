import type { webApi } from '@slack/bolt';
import { appErrorReply } from '../commands/error-replies.js';
import { errorReply, type Reply } from '../commands/reply.js';
import { campaignRef } from '../domain/campaign/campaign.js';
import { assertAction } from '../domain/campaign/campaign-deps.js';
import { isAppError } from '../domain/errors.js';
import { campaignFormView, type FormInitial } from './blocks/modals/campaign-form.js';
import { formInitialFor } from './campaign-form-data.js';
import { buildCommand } from '../commands/grammar/parse-command.js';
import { cancelConfirmView } from './blocks/modals/cancel-confirm.js';
import type { ModalMetadata } from './blocks/modals/modal-kit.js';
import { retryConfirmView } from './blocks/modals/retry-confirm.js';
import { scheduleFormView } from './blocks/modals/schedule-form.js';
import { templateSendingView } from './blocks/modals/template-sending.js';
import { testSendView } from './blocks/modals/test-send.js';
import { linkEditView } from './blocks/modals/link-edit.js';
import { roleForKey } from '../commands/execute.js';
import type { ReplyLinkMap } from '../commands/reply.js';
import { hasRole, refusalText, type Role } from './roles.js';
import { runCommand, type CommandOutcome } from './run-command.js';
import type { SlackContext } from './slack-context.js';

/** Where the person started (a channel, maybe a card message) so the result can be posted there. */
export interface Origin {
  channelId?: string;
  messageTs?: string;
}

export interface OpenRequest {
  triggerId: string;
  userId: string;
  origin: Origin;
}

/** 'opened', or the reply to show instead (refused, not found, not allowed in this status). */
export type OpenResult = 'opened' | CommandOutcome;

/** The command layer marks a reply that waits for a confirmation (a refusal, or a count to confirm). */
export function asksConfirmation(reply: Reply): boolean {
  return reply.code === 'CONFIRMATION_REQUIRED';
}

export function replyNotes(reply: Reply): string[] {
  return reply.blocks.flatMap((b) => (b.type === 'warning' ? [b.text] : []));
}

async function requireRole(ctx: SlackContext, userId: string, needed: Role, what: string): Promise<CommandOutcome | null> {
  const role = await ctx.roleOf(userId);
  return hasRole(role, needed) ? null : { reply: errorReply(refusalText(needed, role, what)), skipped: 'forbidden' };
}

function metadataOf(origin: Origin, extra: ModalMetadata = {}): ModalMetadata {
  return { ...(origin.channelId ? { channelId: origin.channelId } : {}), ...(origin.messageTs ? { messageTs: origin.messageTs } : {}), ...extra };
}

async function failure(error: unknown): Promise<CommandOutcome> {
  if (isAppError(error)) return { reply: appErrorReply(error) };
  throw error;
}

export async function openCampaignForm(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId?: number }): Promise<OpenResult> {
  const refused = await requireRole(ctx, req.userId, 'marketer', req.campaignId ? 'Editing a campaign' : 'Creating a campaign');
  if (refused) return refused;
  const { deps } = ctx;
  let initial: FormInitial | undefined;
  try {
    if (req.campaignId !== undefined) {
      const campaign = await deps.campaigns.get(req.campaignId);
      if (!campaign) return { reply: errorReply(`Not found: Campaign ${campaignRef(req.campaignId)} does not exist (or was deleted).`) };
      assertAction(campaign, 'edit');
      initial = await formInitialFor(deps, campaign);
    }
  } catch (error) {
    return failure(error);
  }
  const [templates, lists, segments] = await Promise.all([deps.templates.list(), deps.contacts.listLists(), deps.contacts.listSegments()]);
  const view = campaignFormView(
    {
      templates: templates.map((t) => ({ name: t.name, channel: t.channel })),
      lists: lists.map((l) => l.name),
      segments: segments.map((s) => s.name),
      accountTimeZone: deps.config.accountTimeZone,
      channels: [...deps.config.channels.keys()],
    },
    // Ids and the version only: the submit re-reads the campaign and refuses another version.
    metadataOf(req.origin, initial ? { campaignId: initial.campaign.id, version: initial.campaign.version } : {}),
    initial,
  );
  await client.views.open({ trigger_id: req.triggerId, view });
  return 'opened';
}

export async function openCancelConfirm(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId: number }): Promise<OpenResult> {
  // Unconfirmed, the command layer changes nothing: it checks role and status and returns the warnings.
  const outcome = await runCommand(ctx, buildCommand('cancel', { campaignId: String(req.campaignId) }), req.userId);
  if (outcome.skipped || !asksConfirmation(outcome.reply)) return outcome;
  const view = cancelConfirmView({
    campaignId: req.campaignId,
    prompt: `${outcome.reply.problem?.message ?? outcome.reply.text} To confirm, type its id below.`,
    warnings: replyNotes(outcome.reply),
    metadata: metadataOf(req.origin),
  });
  await client.views.open({ trigger_id: req.triggerId, view });
  return 'opened';
}

export async function openRetryConfirm(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId: number }): Promise<OpenResult> {
  const outcome = await runCommand(ctx, buildCommand('retry', { campaignId: String(req.campaignId), all: true }), req.userId);
  if (outcome.skipped === 'forbidden') return outcome;
  const confirmable = asksConfirmation(outcome.reply);
  const view = retryConfirmView({
    campaignId: req.campaignId,
    text: confirmable ? `${outcome.reply.text} Press Retry failed to confirm.` : outcome.reply.text,
    notes: replyNotes(outcome.reply),
    confirmable,
    metadata: metadataOf(req.origin),
  });
  await client.views.open({ trigger_id: req.triggerId, view });
  return 'opened';
}

export async function openScheduleForm(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId: number }): Promise<OpenResult> {
  const refused = await requireRole(ctx, req.userId, 'marketer', 'Scheduling a campaign');
  if (refused) return refused;
  const campaign = await ctx.deps.campaigns.get(req.campaignId);
  if (!campaign) return { reply: errorReply(`Not found: Campaign ${campaignRef(req.campaignId)} does not exist (or was deleted).`) };
  try {
    assertAction(campaign, 'schedule');
  } catch (error) {
    return failure(error);
  }
  const view = scheduleFormView({ campaign, accountTimeZone: ctx.deps.config.accountTimeZone, metadata: metadataOf(req.origin) });
  await client.views.open({ trigger_id: req.triggerId, view });
  return 'opened';
}

export async function openTestSend(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId: number }): Promise<OpenResult> {
  const refused = await requireRole(ctx, req.userId, 'marketer', 'A test send');
  if (refused) return refused;
  await client.views.open({ trigger_id: req.triggerId, view: testSendView({ campaignId: req.campaignId, metadata: metadataOf(req.origin) }) });
  return 'opened';
}

export async function openTemplateSending(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { templateId: number }): Promise<OpenResult> {
  const refused = await requireRole(ctx, req.userId, 'marketer', 'Editing template sending details');
  if (refused) return refused;
  const template = await ctx.deps.templates.get(req.templateId);
  if (!template || template.deletedAt) return { reply: errorReply('Not found: that template does not exist (or was deleted).') };
  await client.views.open({ trigger_id: req.triggerId, view: templateSendingView({ template, metadata: metadataOf(req.origin) }) });
  return 'opened';
}

export type LinkNow = { ok: true; map: ReplyLinkMap; link: ReplyLinkMap['links'][number] } | { ok: false; outcome: CommandOutcome };

/**
 * A link of a campaign as it is now, read through the typed `links <id>` command (the person's role
 * checked as for any read): the campaign may be gone, or the link not (or no longer) one of its.
 */
export async function linkNow(ctx: SlackContext, userId: string, campaignId: number, linkId: number): Promise<LinkNow> {
  const outcome = await runCommand(ctx, buildCommand('links list', { campaignId: String(campaignId) }), userId);
  if (outcome.skipped || !outcome.reply.ok) return { ok: false, outcome };
  const map = outcome.reply.linkMap;
  const link = map?.links.find((l) => l.id === linkId);
  if (!map || !link) {
    const ref = campaignRef(campaignId);
    return { ok: false, outcome: { reply: { ...errorReply(`Not found: ${ref} has no link L-${linkId}; /campaign links ${ref} lists its links. Nothing was changed.`), field: 'link' } } };
  }
  return { ok: true, map, link };
}

/** A click map's Edit button (or select): the link edit modal, for someone who may edit links, showing the destination now. */
export async function openLinkEdit(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { campaignId: number; linkId: number }): Promise<OpenResult> {
  const refused = await requireRole(ctx, req.userId, roleForKey('links edit'), 'Editing a link');
  if (refused) return refused;
  const now = await linkNow(ctx, req.userId, req.campaignId, req.linkId);
  if (!now.ok) return now.outcome;
  const view = linkEditView({ campaignId: now.map.campaignId, campaignName: now.map.campaignName, link: now.link, metadata: metadataOf(req.origin, { campaignId: req.campaignId, linkId: req.linkId }) });
  await client.views.open({ trigger_id: req.triggerId, view });
  return 'opened';
}
