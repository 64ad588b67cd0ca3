import { z } from 'zod';
import {
  breakRule,
  campaignIdSchema,
  campaignStatusListSchema,
  channelSchema,
  conditionSchema,
  cronSchema,
  durationSchema,
  launchTypeSchema,
  optionalTextSchema,
  positiveIntSchema,
  readChoice,
  switchSchema,
  tagSchema,
  tagsSchema,
  textSchema,
  variantSchema,
  whenSchema,
  valueSchema,
  zoneSchema,
} from './values.js';

/** `--tracking on|off` (kept here, next to its one use, rather than among the shared value readers). */
const trackingSchema = valueSchema((raw) => readChoice(raw.toLowerCase(), ['on', 'off'] as const));

/**
 * Schemas of the campaign subcommands. Input: what the parser collected (strings, string arrays
 * for repeatable flags, `true` for switches, the `name` literal). Output: the typed Command.
 */

const id = { campaignId: campaignIdSchema };
const reason = { reason: textSchema.optional() };

export const helpSchema = z.object({ name: z.literal('help'), subcommand: z.string().optional() });

export const listSchema = z.object({
  name: z.literal('list'),
  status: campaignStatusListSchema.optional(),
  channel: channelSchema.optional(),
  tag: tagSchema.optional(),
  search: textSchema.optional(),
  page: positiveIntSchema.optional(),
});

export const showSchema = z.object({ name: z.literal('show'), ...id });

/** Content, audience and launch settings shared by `new` and `edit`. */
const settings = {
  description: optionalTextSchema.optional(),
  tags: tagsSchema.optional(),
  template: textSchema.optional(),
  list: textSchema.optional(),
  include: z.array(textSchema).optional(),
  exclude: z.array(textSchema).optional(),
  filter: z.array(conditionSchema).optional(),
  launch: launchTypeSchema.optional(),
  at: whenSchema.optional(),
  cron: cronSchema.optional(),
  tz: zoneSchema.optional(),
  ttlSeconds: durationSchema.optional(),
  tracking: trackingSchema.optional(),
  variants: z.array(variantSchema).optional(),
};

export const newSchema = z.object({ name: z.literal('new'), campaignName: textSchema, channel: channelSchema, ...settings });

export const editSchema = z
  .object({
    name: z.literal('edit'),
    ...id,
    campaignName: textSchema.optional(),
    channel: channelSchema.optional(),
    ...settings,
    clearFilter: switchSchema,
    clearSegments: switchSchema,
    clearVariants: switchSchema,
    ifVersion: positiveIntSchema.optional(),
  })
  .superRefine((command, ctx) => {
    const { name: _name, campaignId, ifVersion: _ifVersion, ...changes } = command;
    if (Object.values(changes).every((value) => value === undefined)) {
      breakRule(ctx, 'MISSING_ARGUMENT', `Nothing to change for C-${campaignId}: add at least one flag, e.g. --name, --template, --at or --clear-filter`);
    }
  });

export const previewSchema = z.object({ name: z.literal('preview'), ...id, contact: textSchema.optional() });
export const testSchema = z.object({ name: z.literal('test'), ...id, to: textSchema });
export const cloneSchema = z.object({ name: z.literal('clone'), ...id, campaignName: textSchema.optional() });
export const runSchema = z.object({ name: z.literal('run'), ...id });

export const scheduleSchema = z
  .object({ name: z.literal('schedule'), ...id, at: whenSchema.optional(), cron: cronSchema.optional(), tz: zoneSchema.optional() })
  .superRefine((command, ctx) => {
    if (command.at === undefined && command.cron === undefined) {
      breakRule(ctx, 'MISSING_ARGUMENT', 'Missing --at WHEN or --cron EXPR: say when to send (once with --at, repeatedly with --cron)');
    } else if (command.at !== undefined && command.cron !== undefined) {
      breakRule(ctx, 'UNEXPECTED_ARGUMENT', 'Give --at or --cron, not both: --at sends once, --cron repeats');
    }
  });

export const pauseSchema = z.object({ name: z.literal('pause'), ...id, ...reason });
export const resumeSchema = z.object({ name: z.literal('resume'), ...id });
export const stopSchema = z.object({ name: z.literal('stop'), ...id, ...reason });
/** `confirm` stays exactly as typed: the domain compares it with the campaign id. */
export const cancelSchema = z.object({ name: z.literal('cancel'), ...id, confirm: z.string().optional(), ...reason });
export const relaunchSchema = z.object({ name: z.literal('relaunch'), ...id });
export const resubmitSchema = z.object({ name: z.literal('resubmit'), ...id });
export const deleteSchema = z.object({ name: z.literal('delete'), ...id });
export const calendarSchema = z.object({ name: z.literal('calendar'), days: positiveIntSchema.default(30) });
export const activitySchema = z.object({ name: z.literal('activity'), ...id, limit: positiveIntSchema.optional() });
