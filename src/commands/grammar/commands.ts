import type { z } from 'zod';
import * as audience from './schemas/audience-commands.js';
import * as campaign from './schemas/campaign-commands.js';
import * as F from './schemas/flags.js';
import type { FlagSpec, PositionalSpec } from './schemas/flags.js';
import * as report from './schemas/report-commands.js';

export type { FlagSpec, PositionalSpec } from './schemas/flags.js';
export type { Condition, ConditionOp, VariantValue } from './schemas/values.js';

/**
 * Every `/campaign` subcommand: its zod schema (the typed Command it yields) and its table entry
 * (usage, summary, flags, example, whether it works yet). Grouped subcommands are keyed
 * "name action" (`lists create`); their Commands carry both `name` and `action`.
 */
export const COMMAND_SCHEMAS = {
  help: campaign.helpSchema,
  list: campaign.listSchema,
  show: campaign.showSchema,
  new: campaign.newSchema,
  edit: campaign.editSchema,
  preview: campaign.previewSchema,
  test: campaign.testSchema,
  clone: campaign.cloneSchema,
  run: campaign.runSchema,
  schedule: campaign.scheduleSchema,
  pause: campaign.pauseSchema,
  resume: campaign.resumeSchema,
  stop: campaign.stopSchema,
  cancel: campaign.cancelSchema,
  relaunch: campaign.relaunchSchema,
  resubmit: campaign.resubmitSchema,
  delete: campaign.deleteSchema,
  calendar: campaign.calendarSchema,
  activity: campaign.activitySchema,
  retry: report.retrySchema,
  messages: report.messagesSchema,
  export: report.exportSchema,
  stats: report.statsSchema,
  compare: report.compareSchema,
  'links list': report.linksListSchema,
  'links edit': report.linksEditSchema,
  digest: report.digestSchema,
  outbox: report.outboxSchema,
  approve: report.approveSchema,
  deny: report.denySchema,
  'contacts import': audience.contactsImportSchema,
  'contacts show': audience.contactsShowSchema,
  'lists list': audience.listsListSchema,
  'lists create': audience.listsCreateSchema,
  'lists show': audience.listsShowSchema,
  'lists delete': audience.listsDeleteSchema,
  'segments list': audience.segmentsListSchema,
  'segments create': audience.segmentsCreateSchema,
  'segments show': audience.segmentsShowSchema,
  'segments delete': audience.segmentsDeleteSchema,
  'templates list': audience.templatesListSchema,
  'templates create': audience.templatesCreateSchema,
  'templates show': audience.templatesShowSchema,
  'templates edit': audience.templatesEditSchema,
  'templates delete': audience.templatesDeleteSchema,
} as const;

export type CommandKey = keyof typeof COMMAND_SCHEMAS;
export type CommandOf<K extends CommandKey> = z.output<(typeof COMMAND_SCHEMAS)[K]>;
/** A parsed `/campaign` command: discriminated by `name`, and by `action` within a group. */
export type Command = { [K in CommandKey]: CommandOf<K> }[CommandKey];
export type CommandName = Command['name'];

export type HelpCommand = CommandOf<'help'>;
export type ListCommand = CommandOf<'list'>;
export type ShowCommand = CommandOf<'show'>;
export type NewCommand = CommandOf<'new'>;
export type EditCommand = CommandOf<'edit'>;
export type PreviewCommand = CommandOf<'preview'>;
export type TestCommand = CommandOf<'test'>;
export type CloneCommand = CommandOf<'clone'>;
export type RunCommand = CommandOf<'run'>;
export type ScheduleCommand = CommandOf<'schedule'>;
export type PauseCommand = CommandOf<'pause'>;
export type ResumeCommand = CommandOf<'resume'>;
export type StopCommand = CommandOf<'stop'>;
export type CancelCommand = CommandOf<'cancel'>;
export type RelaunchCommand = CommandOf<'relaunch'>;
export type ResubmitCommand = CommandOf<'resubmit'>;
export type DeleteCommand = CommandOf<'delete'>;
export type CalendarCommand = CommandOf<'calendar'>;
export type ActivityCommand = CommandOf<'activity'>;
export type RetryCommand = CommandOf<'retry'>;
export type MessagesCommand = CommandOf<'messages'>;
export type ExportCommand = CommandOf<'export'>;
export type StatsCommand = CommandOf<'stats'>;
export type CompareCommand = CommandOf<'compare'>;
export type LinksCommand = Extract<Command, { name: 'links' }>;
export type DigestCommand = CommandOf<'digest'>;
export type OutboxCommand = CommandOf<'outbox'>;
export type ApproveCommand = CommandOf<'approve'>;
export type DenyCommand = CommandOf<'deny'>;
export type ContactsCommand = Extract<Command, { name: 'contacts' }>;
export type ListsCommand = Extract<Command, { name: 'lists' }>;
export type SegmentsCommand = Extract<Command, { name: 'segments' }>;
export type TemplatesCommand = Extract<Command, { name: 'templates' }>;

export const HELP_GROUPS = ['Campaigns', 'Delivery & reports', 'Audience & content', 'Approvals'] as const;
export type HelpGroup = (typeof HELP_GROUPS)[number];

export interface SubcommandSpec {
  key: CommandKey;
  /** First word (`lists`), or the whole subcommand when ungrouped. */
  name: string;
  /** Second word of a grouped subcommand (`create`). */
  action?: string;
  group: HelpGroup;
  /** One line, without the leading `/campaign`. */
  usage: string;
  /** One sentence. */
  summary: string;
  /** False: parsed already, but the feature arrives in a later issue ("coming soon"). */
  available: boolean;
  positionals: readonly PositionalSpec[];
  flags: readonly FlagSpec[];
  /** A command line that parses, without the leading `/campaign`. */
  example: string;
}

/** Groups whose second word picks the action, and the action taken when it is left out. */
export const ACTION_GROUPS: Readonly<Record<string, string | undefined>> = { contacts: undefined, lists: 'list', segments: 'list', templates: 'list' };

type Row = [key: CommandKey, available: boolean, usage: string, summary: string, example: string, positionals: readonly PositionalSpec[], flags: readonly FlagSpec[]];

function rows(group: HelpGroup, list: Row[]): SubcommandSpec[] {
  return list.map(([key, available, usage, summary, example, positionals, flags]) => {
    const [name, action] = key.split(' ') as [string, string | undefined];
    return { key, name, ...(action ? { action } : {}), group, usage, summary, available, positionals, flags, example };
  });
}

const S = F.CAMPAIGN_SETTINGS;
const NEW_USAGE =
  'new --name NAME --channel email|sms [--description TEXT] [--tags T[,T…]] [--template NAME] [--list NAME] [--include SEGMENT]… [--exclude SEGMENT]… [--filter COND]… [--launch now|manual|scheduled|recurring] [--at WHEN] [--cron EXPR] [--tz ZONE] [--if-late send|skip|ask] [--ttl DURATION] [--tracking on|off] [--variant L:T:W]…';
const EDIT_USAGE =
  'edit <id> [--name NAME] [--channel email|sms] [--description TEXT] [--tags T[,T…]] [--template NAME] [--list NAME] [--include SEGMENT]… [--exclude SEGMENT]… [--filter COND]… [--launch TYPE] [--at WHEN] [--cron EXPR] [--tz ZONE] [--if-late send|skip|ask] [--ttl DURATION] [--tracking on|off] [--variant L:T:W]… [--clear-filter] [--clear-segments] [--clear-variants] [--if-version N]';
const CONTENT_USAGE = '[--subject TEXT] [--html HTML | --html-file PATH] [--text TEXT | --text-file PATH] [--from-name NAME] [--from-email EMAIL] [--reply-to EMAIL] [--sms-sender SENDER]';

export const SUBCOMMANDS: readonly SubcommandSpec[] = [
  ...rows('Campaigns', [
    ['help', true, 'help [subcommand]', 'Lists every subcommand, or explains one with its flags and an example.', 'help new', [F.HELP_TOPIC], []],
    ['list', true, 'list [TEXT] [--status S[,S…]] [--channel email|sms] [--tag T] [--search TEXT] [--page N]', 'Lists campaigns, newest first, filtered by status, channel or tag and searched by text.', 'list spring --status draft,ready --channel email', [F.SEARCH_TEXT], [F.STATUS_LIST, F.CHANNEL_FILTER, F.TAG, F.SEARCH, F.PAGE]],
    ['show', true, 'show <id>', 'Shows a campaign: status, content, audience, schedule and the actions it allows now.', 'show C-1042', [F.ID], []],
    ['new', true, NEW_USAGE, 'Creates a campaign; it stays a draft until it has everything it needs to launch.', 'new --name "Spring sale" --channel email --template Welcome --list Newsletter --launch scheduled --at "2026-03-01 09:00" --tz Europe/London', [], [F.CAMPAIGN_NAME, F.CHANNEL, ...S]],
    ['edit', true, EDIT_USAGE, 'Changes a campaign’s name, content, audience or launch; only the flags given change.', 'edit C-1042 --at "2026-03-02 10:00" --filter plan=pro', [F.ID], [F.CAMPAIGN_NAME, F.CHANNEL, ...S, F.CLEAR_FILTER, F.CLEAR_SEGMENTS, F.CLEAR_VARIANTS, F.IF_VERSION]],
    ['preview', true, 'preview <id> [--contact ADDRESS]', 'Renders the campaign’s message as a recipient would see it.', 'preview C-1042 --contact ada@example.com', [F.ID], [F.CONTACT]],
    ['test', true, 'test <id> --to ADDRESS', 'Sends one test message to an address without touching the campaign’s audience or metrics.', 'test C-1042 --to ada@example.com', [F.ID], [F.TO]],
    ['clone', true, 'clone <id> [--name NAME]', 'Copies a campaign’s settings into a new draft.', 'clone C-1042 --name "Spring sale (EU)"', [F.ID], [F.CLONE_NAME]],
    ['run', true, 'run <id>', 'Launches a ready manual campaign now.', 'run C-1042', [F.ID], []],
    ['schedule', true, 'schedule <id> (--at WHEN | --cron EXPR) [--tz ZONE]', 'Sets when a campaign sends: once at a time, or repeatedly on a cron schedule.', 'schedule C-1042 --cron "0 9 * * 1" --tz America/New_York', [F.ID], [F.AT, F.CRON, F.TZ]],
    ['pause', true, 'pause <id> [--reason TEXT]', 'Pauses a scheduled, queued or sending campaign; resume picks up where it stopped.', 'pause C-1042 --reason "waiting on legal"', [F.ID], [F.REASON]],
    ['resume', true, 'resume <id> [--skip]', 'Resumes a paused campaign, or a suspended one once its cause is fixed; a send held as overdue goes out now (or, with --skip, is skipped).', 'resume C-1042', [F.ID], [F.SKIP]],
    ['stop', true, 'stop <id> [--reason TEXT]', 'Halts a scheduled or sending campaign; it can be edited and relaunched later.', 'stop C-1042 --reason "wrong audience"', [F.ID], [F.REASON]],
    ['cancel', true, 'cancel <id> [--confirm ID] [--reason TEXT]', 'Cancels a campaign for good (sent messages are not recalled); needs the id typed again, and an approver while sending.', 'cancel C-1042 --confirm C-1042 --reason "duplicate of C-1041"', [F.ID], [F.CONFIRM_ID, F.REASON]],
    ['relaunch', true, 'relaunch <id>', 'Launches a stopped or failed campaign again after it has been fixed.', 'relaunch C-1042', [F.ID], []],
    ['resubmit', true, 'resubmit <id>', 'Sends a rejected campaign back through the content check after editing it.', 'resubmit C-1042', [F.ID], []],
    ['delete', true, 'delete <id>', 'Deletes a draft, ready or completed campaign.', 'delete C-1042', [F.ID], []],
  ]),
  ...rows('Delivery & reports', [
    ['calendar', true, 'calendar [--days N]', 'Shows upcoming launches and recurring runs (drafts excluded).', 'calendar --days 14', [], [F.DAYS]],
    ['activity', true, 'activity <id> [--limit N]', 'Shows who did what to a campaign, when and why.', 'activity C-1042 --limit 20', [F.ID], [F.LIMIT]],
    ['stats', true, 'stats <id> [--run N]', 'Shows delivery, open, click, unsubscribe and failure metrics, each with its definition.', 'stats C-1042 --run 3', [F.ID], [F.RUN]],
    ['messages', true, 'messages <id> [--status S] [--reason CATEGORY] [--search TEXT] [--page N]', 'Lists a campaign’s messages, one per recipient, filtered by status or failure reason.', 'messages C-1042 --status failed --search example.com', [F.ID], [F.MESSAGE_STATUS, F.FAILURE_REASON, F.SEARCH, F.PAGE]],
    ['retry', true, 'retry <id> [--message MESSAGE_ID]… [--all] [--confirm]', 'Retries failed messages one by one or all at once (never opted-out recipients).', 'retry C-1042 --all --confirm', [F.ID], [F.MESSAGE, F.ALL, F.CONFIRM]],
    ['export', true, 'export <id> [--status S] [--reason CATEGORY] [--search TEXT]', 'Posts a CSV file of all or filtered messages.', 'export C-1042 --status bounced', [F.ID], [F.MESSAGE_STATUS, F.FAILURE_REASON, F.SEARCH]],
    ['compare', true, 'compare <id> <id> [<id>…]', 'Compares the metrics of several campaigns side by side.', 'compare C-1041 C-1042', [F.IDS], []],
    ['links list', true, 'links <id>', 'Shows the campaign’s tracked links with their clicks (the click map).', 'links C-1042', [F.ID], []],
    ['links edit', true, 'links <id> edit <LINK_ID> --url URL [--if-url URL]', 'Changes where a tracked link goes; it takes effect at once, even after sending.', 'links C-1042 edit L-7 --url https://example.com/spring', [F.ID, F.LINK_ID], [F.URL_FLAG, F.IF_URL]],
    ['digest', true, 'digest [--date YYYY-MM-DD] [--post]', 'Shows the daily digest (yesterday by default): each campaign’s key figures, totals and trends against the day before, with charts; --post posts it to the managers’ channel.', 'digest --date 2026-12-01 --post', [], [F.DATE, F.POST]],
    ['outbox', true, 'outbox [--channel email|sms] [--limit N]', 'Lists mail and SMS captured locally when no SMTP server or Twilio account is configured (the embedded default).', 'outbox --channel email --limit 5', [], [F.CHANNEL_FILTER, F.LIMIT]],
  ]),
  ...rows('Audience & content', [
    ['contacts import', true, 'contacts import <PATH> --list NAME [--encoding NAME]', 'Imports contacts from a CSV file into a list.', 'contacts import ./contacts.csv --list Newsletter', [F.PATH], [F.IMPORT_LIST, F.IMPORT_ENCODING]],
    ['contacts show', true, 'contacts show <ADDRESS>', 'Shows a contact: attributes, lists and whether they opted out.', 'contacts show ada@example.com', [F.ADDRESS], []],
    ['lists list', true, 'lists [list]', 'Lists contact lists with their sizes.', 'lists', [], []],
    ['lists create', true, 'lists create <NAME> [--description TEXT]', 'Creates an empty contact list.', 'lists create Newsletter --description "Monthly news"', [F.LIST_NAME], [F.LIST_DESCRIPTION]],
    ['lists show', true, 'lists show <NAME>', 'Shows a contact list and the campaigns that use it.', 'lists show Newsletter', [F.LIST_NAME], []],
    ['lists delete', true, 'lists delete <NAME>', 'Deletes a contact list (campaigns that use it will fail to launch).', 'lists delete Newsletter', [F.LIST_NAME], []],
    ['segments list', true, 'segments [list]', 'Lists saved segments.', 'segments', [], []],
    ['segments create', true, 'segments create <NAME> --where COND… [--match all|any]', 'Saves a segment: contacts whose attributes match the conditions.', 'segments create "Pro users" --where plan=pro --where has:phone --match all', [F.SEGMENT_NAME], [F.WHERE, F.MATCH]],
    ['segments show', true, 'segments show <NAME>', 'Shows a segment’s conditions and the campaigns that use it.', 'segments show "Pro users"', [F.SEGMENT_NAME], []],
    ['segments delete', true, 'segments delete <NAME>', 'Deletes a segment.', 'segments delete "Pro users"', [F.SEGMENT_NAME], []],
    ['templates list', true, 'templates [list]', 'Lists templates with their channel and current version.', 'templates', [], []],
    ['templates create', true, `templates create <NAME> --channel email|sms ${CONTENT_USAGE}`, 'Creates a template: content with merge fields, plus its sending details.', 'templates create Welcome --channel email --subject "Hi {{ first_name }}" --html-file ./welcome.html --from-email news@example.com', [F.TEMPLATE_NAME], [F.TEMPLATE_CHANNEL, ...F.TEMPLATE_CONTENT]],
    ['templates show', true, 'templates show <NAME>', 'Shows a template’s current version, sending details and the campaigns that use it.', 'templates show Welcome', [F.TEMPLATE_NAME], []],
    ['templates edit', true, `templates edit <NAME> ${CONTENT_USAGE} [--confirm]`, 'Saves a new template version; sending-detail changes apply to every future campaign using it.', 'templates edit Welcome --subject "Hello {{ first_name }}"', [F.TEMPLATE_NAME], [...F.TEMPLATE_CONTENT, F.TEMPLATE_CONFIRM]],
    ['templates delete', true, 'templates delete <NAME>', 'Deletes a template that no campaign uses.', 'templates delete Welcome', [F.TEMPLATE_NAME], []],
  ]),
  ...rows('Approvals', [
    ['approve', true, 'approve <approval-id>', 'Approves a pending request, such as cancelling a sending campaign (not your own).', 'approve A-12', [F.APPROVAL_ID], []],
    ['deny', true, 'deny <approval-id> [--reason TEXT]', 'Denies a pending request.', 'deny A-12 --reason "let it finish"', [F.APPROVAL_ID], [F.REASON]],
  ]),
];

const BY_KEY = new Map(SUBCOMMANDS.map((spec) => [spec.key, spec]));

/** The table entry for a key such as `pause` or `lists create` (case-insensitive). */
export function findSubcommand(key: string): SubcommandSpec | undefined {
  return BY_KEY.get(key.trim().toLowerCase().replace(/\s+/g, ' ') as CommandKey);
}

export function commandKey(command: Command): CommandKey {
  return ('action' in command ? `${command.name} ${command.action}` : command.name) as CommandKey;
}

/** The table entry of a parsed command (e.g. to answer "coming soon" when it is not available). */
export function subcommandOf(command: Command): SubcommandSpec {
  return BY_KEY.get(commandKey(command)) as SubcommandSpec;
}

/** Every first word the grammar knows, in table order. */
export const SUBCOMMAND_NAMES: readonly string[] = [...new Set(SUBCOMMANDS.map((spec) => spec.name))];
