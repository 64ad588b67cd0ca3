import { z } from 'zod';
import {
  approvalIdSchema,
  breakRule,
  campaignIdSchema,
  channelSchema,
  daySchema,
  linkIdSchema,
  messageIdSchema,
  messageStatusSchema,
  limitSchema,
  multilineTextSchema,
  pageSchema,
  runNumberSchema,
  switchSchema,
  urlSchema,
} from './values.js';
import { lineSchema, multilineLineSchema } from './limited-text.js';

/** Schemas of the delivery, report and approval subcommands (same conventions as campaign-commands). */

const id = { campaignId: campaignIdSchema };
const messageFilters = { status: messageStatusSchema.optional(), reason: lineSchema.optional(), search: lineSchema.optional() };

export const retrySchema = z
  .object({ name: z.literal('retry'), ...id, messageIds: z.array(messageIdSchema).optional(), all: switchSchema, confirm: switchSchema })
  .superRefine((command, ctx) => {
    if (command.all && command.messageIds) {
      breakRule(ctx, 'UNEXPECTED_ARGUMENT', 'Give --message or --all, not both: --all already retries every failed message');
    }
  });

export const messagesSchema = z.object({ name: z.literal('messages'), ...id, ...messageFilters, page: pageSchema.optional() });
export const exportSchema = z.object({ name: z.literal('export'), ...id, ...messageFilters });
export const statsSchema = z.object({ name: z.literal('stats'), ...id, run: runNumberSchema.optional() });

export const compareSchema = z
  .object({ name: z.literal('compare'), campaignIds: z.array(campaignIdSchema) })
  .superRefine((command, ctx) => {
    if (command.campaignIds.length < 2) {
      breakRule(ctx, 'MISSING_ARGUMENT', `compare needs at least two campaign ids, e.g. compare C-1041 C-1042 (got ${command.campaignIds.length})`);
      return;
    }
    const twice = command.campaignIds.find((value, index) => command.campaignIds.indexOf(value) !== index);
    if (twice !== undefined) breakRule(ctx, 'INVALID_VALUE', `C-${twice} is listed twice; compare different campaigns`);
  });

export const linksListSchema = z.object({ name: z.literal('links'), action: z.literal('list'), ...id });
export const linksEditSchema = z.object({ name: z.literal('links'), action: z.literal('edit'), ...id, linkId: linkIdSchema, url: urlSchema, ifUrl: urlSchema.optional() });
export const digestSchema = z.object({ name: z.literal('digest'), date: daySchema.optional(), post: switchSchema });
export const outboxSchema = z.object({ name: z.literal('outbox'), channel: channelSchema.optional(), limit: limitSchema.optional() });

export const approveSchema = z.object({ name: z.literal('approve'), approvalId: approvalIdSchema });
export const denySchema = z.object({ name: z.literal('deny'), approvalId: approvalIdSchema, reason: multilineLineSchema.optional() });
