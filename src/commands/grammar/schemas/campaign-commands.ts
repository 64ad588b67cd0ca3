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
  daysSchema,
  exactTextSchema,
  limitSchema,
  pageSchema,
  readChoice,
  versionSchema,
  switchSchema,
  textSchema,
  valueSchema,
  variantSchema,
  whenSchema,
  zoneSchema,
} from './values.js';
import { descriptionSchema, limitedTagSchema, limitedTagsSchema, lineSchema, multilineLineSchema, nameSchema } from './limited-text.js';

/** `--tracking on|off` (kept here, next to its one use, rather than among the shared value readers). */
const trackingSchema = valueSchema((raw) => readChoice(raw.toLowerCase(), ['on', 'off'] as const));

/**
 * Schemas of the campaign subcommands. Input: what the parser collected (strings, string arrays
 * for repeatable flags, `true` for switches, the `name` literal). Output: the typed Command.
 */

const id = { campaignId: campaignIdSchema };

/** `--if-late send|skip|ask`: people type `send`; the campaign stores `send_late`. */
const IF_LATE_CHOICES = ['send', 'skip', 'ask'] as const;
const ifLateSchema = valueSchema((raw) => {
  const choice = readChoice(raw, IF_LATE_CHOICES);
  return choice === 'send' ? ('send_late' as const) : choice;
});
const reason = { reason: multilineLineSchema.optional() };

export const helpSchema = z.object({ name: z.literal('help'), subcommand: z.string().optional() });

export const listSchema = z.object({
  name: z.literal('list'),
  status: campaignStatusListSchema.optional(),
  channel: channelSchema.optional(),
  tag: limitedTagSchema.optional(),
  search: lineSchema.optional(),
  page: pageSchema.optional(),
});

export const showSchema = z.object({ name: z.literal('show'), ...id });

/** Content, audience and launch settings shared by `new` and `edit`. */
const settings = {
  description: descriptionSchema.optional(),
  tags: limitedTagsSchema.optional(),
  template: nameSchema.optional(),
  list: nameSchema.optional(),
  include: z.array(nameSchema).optional(),
  exclude: z.array(nameSchema).optional(),
  filter: z.array(conditionSchema).optional(),
  launch: launchTypeSchema.optional(),
  at: whenSchema.optional(),
  cron: cronSchema.optional(),
  tz: zoneSchema.optional(),
  ifLate: ifLateSchema.optional(),
  ttlSeconds: durationSchema.optional(),
  tracking: trackingSchema.optional(),
  variants: z.array(variantSchema).optional(),
};

export const newSchema = z.object({ name: z.literal('new'), campaignName: nameSchema, channel: channelSchema, ...settings });

export const editSchema = z
  .object({
    name: z.literal('edit'),
    ...id,
    campaignName: nameSchema.optional(),
    channel: channelSchema.optional(),
    ...settings,
    clearFilter: switchSchema,
    clearSegments: switchSchema,
    clearVariants: switchSchema,
    ifVersion: versionSchema.optional(),
  })
  .superRefine((command, ctx) => {
    const { name: _name, campaignId, ifVersion: _ifVersion, ...changes } = command;
    if (Object.values(changes).every((value) => value === undefined)) {
      breakRule(ctx, 'MISSING_ARGUMENT', `Nothing to change for C-${campaignId}: add at least one flag, e.g. --name, --template, --at or --clear-filter`);
    }
  });

export const previewSchema = z.object({ name: z.literal('preview'), ...id, contact: textSchema.optional() });
export const testSchema = z.object({ name: z.literal('test'), ...id, to: textSchema });
export const cloneSchema = z.object({ name: z.literal('clone'), ...id, campaignName: nameSchema.optional() });
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
export const resumeSchema = z.object({ name: z.literal('resume'), ...id, skip: switchSchema });
export const stopSchema = z.object({ name: z.literal('stop'), ...id, ...reason });
/** `confirm` stays exactly as typed: the domain compares it with the campaign id. */
export const cancelSchema = z.object({ name: z.literal('cancel'), ...id, confirm: exactTextSchema.optional(), ...reason });
export const relaunchSchema = z.object({ name: z.literal('relaunch'), ...id });
export const resubmitSchema = z.object({ name: z.literal('resubmit'), ...id });
export const deleteSchema = z.object({ name: z.literal('delete'), ...id });
export const calendarSchema = z.object({ name: z.literal('calendar'), days: daysSchema.default(30) });
export const activitySchema = z.object({ name: z.literal('activity'), ...id, limit: limitSchema.optional() });
