/**
 * The flags and positional arguments of the `/campaign` grammar: how each is typed, which Command
 * field it fills, and the one line `help` shows for it. The parser reads these; the zod schemas
 * in this folder decide what the values mean.
 */

export interface FlagSpec {
  /** Name without the leading `--`. */
  flag: string;
  /** The Command field it fills. */
  field: string;
  /** Placeholder for the value (`NAME`); absent for a switch such as `--all`. */
  value?: string;
  /** May be given more than once; the field is then an array. */
  repeatable?: boolean;
  /**
   * Lets an unquoted value run on into the next words, because people type them unquoted:
   * `time` joins `--at 2026-03-01 09:00`, `cron` joins `--cron 0 9 * * 1`.
   */
  continues?: 'time' | 'cron';
  description: string;
}

export interface PositionalSpec {
  field: string;
  /** As shown in usage lines: `<id>`, `<NAME>`, `[TEXT]`. */
  label: string;
  description: string;
  /** `array`: every remaining word, as a list; `join`: every remaining word, joined by spaces. */
  rest?: 'array' | 'join';
}

const flag = (spec: FlagSpec): FlagSpec => spec;

// Campaign content, audience and launch (new / edit).
export const CAMPAIGN_NAME = flag({ flag: 'name', field: 'campaignName', value: 'NAME', description: 'Campaign name shown everywhere; quote it if it has spaces.' });
export const CHANNEL = flag({ flag: 'channel', field: 'channel', value: 'email|sms', description: 'Delivery channel: email or sms.' });
export const DESCRIPTION = flag({ flag: 'description', field: 'description', value: 'TEXT', description: 'Free-text description ("" clears it on edit).' });
export const TAGS = flag({ flag: 'tags', field: 'tags', value: 'T[,T…]', description: 'Comma-separated tags, stored lower-case; replaces the tags on edit.' });
export const TEMPLATE = flag({ flag: 'template', field: 'template', value: 'NAME', description: 'Template (content and sending details) by name.' });
export const LIST = flag({ flag: 'list', field: 'list', value: 'NAME', description: 'Contact list the audience starts from.' });
export const INCLUDE = flag({ flag: 'include', field: 'include', value: 'SEGMENT', repeatable: true, description: 'Only contacts in this segment; repeat for several.' });
export const EXCLUDE = flag({ flag: 'exclude', field: 'exclude', value: 'SEGMENT', repeatable: true, description: 'Leave out contacts in this segment; repeat for several.' });
export const FILTER = flag({ flag: 'filter', field: 'filter', value: 'COND', repeatable: true, description: 'One-time audience condition such as plan=pro or has:phone; repeat to AND several.' });
export const LAUNCH = flag({ flag: 'launch', field: 'launch', value: 'now|manual|scheduled|recurring', description: 'How it starts: now, manual (run by hand), scheduled (--at) or recurring (--cron).' });
export const AT = flag({ flag: 'at', field: 'at', value: 'WHEN', continues: 'time', description: 'Send time: 2026-03-01 09:00 (wall time in --tz) or an ISO time with offset.' });
export const CRON = flag({ flag: 'cron', field: 'cron', value: 'EXPR', continues: 'cron', description: 'Recurring schedule as a 5- or 6-field cron expression, e.g. "0 9 * * 1".' });
export const TZ = flag({ flag: 'tz', field: 'tz', value: 'ZONE', description: 'IANA time zone for --at and --cron, e.g. Europe/London (default: the account zone).' });
export const TTL = flag({ flag: 'ttl', field: 'ttlSeconds', value: 'DURATION', description: 'SMS validity period: 90s, 30m, 4h, 2d or seconds (1 s to 14 days).' });
export const IF_LATE = flag({
  flag: 'if-late',
  field: 'ifLate',
  value: 'send|skip|ask',
  description: 'If Herald was down at the send time: send late (default), skip it (a recurring campaign waits for its next run; a one-off is stopped), or ask (hold it and alert).',
});
export const SKIP = flag({ flag: 'skip', field: 'skip', description: 'For a send held as overdue (--if-late ask): skip it instead of sending now.' });
export const TRACKING = flag({ flag: 'tracking', field: 'tracking', value: 'on|off', description: 'Open pixel and tracked links (on by default); off sends links as written.' });
export const VARIANT = flag({ flag: 'variant', field: 'variants', value: 'L:T:W', repeatable: true, description: 'A/B variant LABEL:TEMPLATE:WEIGHT (weight 1-100), e.g. A:Welcome:70; repeat per variant.' });
export const CLEAR_FILTER = flag({ flag: 'clear-filter', field: 'clearFilter', description: 'Remove the one-time filter (with --filter: replace it).' });
export const CLEAR_SEGMENTS = flag({ flag: 'clear-segments', field: 'clearSegments', description: 'Remove every include/exclude segment (with --include/--exclude: replace them).' });
export const CLEAR_VARIANTS = flag({ flag: 'clear-variants', field: 'clearVariants', description: 'Remove the A/B variants (with --variant: replace them).' });
export const IF_VERSION = flag({
  flag: 'if-version',
  field: 'ifVersion',
  value: 'N',
  description: 'Save only if the campaign is still at version N (Slack’s edit form sends the version it was opened on, so an edit never undoes someone else’s change).',
});

// Listing and searching.
export const STATUS_LIST = flag({ flag: 'status', field: 'status', value: 'S[,S…]', description: 'Only these statuses, comma-separated (draft, ready, scheduled, sending, …).' });
export const TAG = flag({ flag: 'tag', field: 'tag', value: 'T', description: 'Only campaigns with this tag.' });
export const CHANNEL_FILTER = flag({ flag: 'channel', field: 'channel', value: 'email|sms', description: 'Only this channel.' });
export const SEARCH = flag({ flag: 'search', field: 'search', value: 'TEXT', description: 'Text to look for (name, description, tags; recipients for messages).' });
export const PAGE = flag({ flag: 'page', field: 'page', value: 'N', description: 'Page of results, from 1 to 100,000.' });
export const MESSAGE_STATUS = flag({ flag: 'status', field: 'status', value: 'S', description: 'Only messages in this status (delivered, failed, bounced, unknown, …).' });
export const FAILURE_REASON = flag({ flag: 'reason', field: 'reason', value: 'CATEGORY', description: 'Only messages that failed for this reason category.' });

// Actions.
export const REASON = flag({ flag: 'reason', field: 'reason', value: 'TEXT', description: 'Why; recorded in the activity log and shown to others.' });
export const CONFIRM_ID = flag({ flag: 'confirm', field: 'confirm', value: 'ID', description: 'The campaign id typed again to confirm (cancelling cannot be undone).' });
export const CONFIRM = flag({ flag: 'confirm', field: 'confirm', description: 'Go ahead without asking again.' });
export const CLONE_NAME = flag({ flag: 'name', field: 'campaignName', value: 'NAME', description: 'Name of the copy (default: derived from the original).' });
export const CONTACT = flag({ flag: 'contact', field: 'contact', value: 'ADDRESS', description: 'Render for this contact (email or phone) instead of sample data.' });
export const TO = flag({ flag: 'to', field: 'to', value: 'ADDRESS', description: 'Email address or phone number that receives the test.' });
export const MESSAGE = flag({ flag: 'message', field: 'messageIds', value: 'MESSAGE_ID', repeatable: true, description: 'Retry this message (M-5531 or 5531); repeat for several.' });
export const ALL = flag({ flag: 'all', field: 'all', description: 'Retry every failed message of the campaign.' });
export const RUN = flag({ flag: 'run', field: 'run', value: 'N', description: 'Only this run of a recurring campaign (1 = first).' });
export const DAYS = flag({ flag: 'days', field: 'days', value: 'N', description: 'How many days ahead to show, 1 to 366 (default 30).' });
export const LIMIT = flag({ flag: 'limit', field: 'limit', value: 'N', description: 'Show at most N entries (1 to 1,000), newest first.' });
export const DATE = flag({ flag: 'date', field: 'date', value: 'YYYY-MM-DD', description: 'The day the digest covers, in the account zone (default: yesterday).' });
export const POST = flag({ flag: 'post', field: 'post', description: 'Post the digest to the managers’ channel (SLACK_DIGEST_CHANNEL) instead of answering only you.' });
export const URL_FLAG = flag({ flag: 'url', field: 'url', value: 'URL', description: 'New http(s) destination; takes effect for every click from now on.' });
export const IF_URL = flag({
  flag: 'if-url',
  field: 'ifUrl',
  value: 'URL',
  description: 'Change it only if the link still goes to URL (Slack’s edit form sends the destination it showed, so an edit never overwrites someone else’s).',
});

// Audience and content management.
export const IMPORT_LIST = flag({ flag: 'list', field: 'list', value: 'NAME', description: 'List the imported contacts are added to.' });
export const IMPORT_ENCODING = flag({ flag: 'encoding', field: 'encoding', value: 'NAME', description: 'Character encoding of the file: utf-8 (default, checked), windows-1252 (latin1), iso-8859-15, utf-16le or utf-16be.' });
export const LIST_DESCRIPTION = flag({ flag: 'description', field: 'description', value: 'TEXT', description: 'What the list is for.' });
export const WHERE = flag({ flag: 'where', field: 'where', value: 'COND', repeatable: true, description: 'Condition such as plan=pro, age>=18, city~york, has:phone; repeat for several.' });
export const MATCH = flag({ flag: 'match', field: 'match', value: 'all|any', description: 'Contacts must match all conditions (default) or any of them.' });
export const TEMPLATE_CHANNEL = flag({ flag: 'channel', field: 'channel', value: 'email|sms', description: 'Channel the template is written for.' });
export const SUBJECT = flag({ flag: 'subject', field: 'subject', value: 'TEXT', description: 'Email subject; merge fields such as {{ first_name }} allowed.' });
export const HTML = flag({ flag: 'html', field: 'html', value: 'HTML', description: 'Email HTML body, inline.' });
export const HTML_FILE = flag({ flag: 'html-file', field: 'htmlFile', value: 'PATH', description: 'Email HTML body read from a file.' });
export const TEXT = flag({ flag: 'text', field: 'text', value: 'TEXT', description: 'Plain-text body (the SMS body, or the email text part).' });
export const TEXT_FILE = flag({ flag: 'text-file', field: 'textFile', value: 'PATH', description: 'Plain-text body read from a file.' });
export const FROM_NAME = flag({ flag: 'from-name', field: 'fromName', value: 'NAME', description: 'Email sender name (applies to every future campaign using the template).' });
export const FROM_EMAIL = flag({ flag: 'from-email', field: 'fromEmail', value: 'EMAIL', description: 'Email sender address (applies to every future campaign using the template).' });
export const REPLY_TO = flag({ flag: 'reply-to', field: 'replyTo', value: 'EMAIL', description: 'Reply-To address (applies to every future campaign using the template).' });
export const SMS_SENDER = flag({ flag: 'sms-sender', field: 'smsSender', value: 'SENDER', description: 'SMS sender number or id (applies to every future campaign using the template).' });
export const TEMPLATE_CONFIRM = flag({ flag: 'confirm', field: 'confirm', description: 'Save sending-detail changes that affect other campaigns without asking again.' });

export const CAMPAIGN_SETTINGS: readonly FlagSpec[] = [DESCRIPTION, TAGS, TEMPLATE, LIST, INCLUDE, EXCLUDE, FILTER, LAUNCH, AT, CRON, TZ, IF_LATE, TTL, TRACKING, VARIANT];
export const TEMPLATE_CONTENT: readonly FlagSpec[] = [SUBJECT, HTML, HTML_FILE, TEXT, TEXT_FILE, FROM_NAME, FROM_EMAIL, REPLY_TO, SMS_SENDER];

const arg = (spec: PositionalSpec): PositionalSpec => spec;

export const ID = arg({ field: 'campaignId', label: '<id>', description: 'Campaign id: C-1042, c-1042 or 1042.' });
export const IDS = arg({ field: 'campaignIds', label: '<id> <id> [<id>…]', rest: 'array', description: 'Two or more campaign ids.' });
export const APPROVAL_ID = arg({ field: 'approvalId', label: '<approval-id>', description: 'Approval request id: A-12 or 12 (shown on the alert).' });
export const LINK_ID = arg({ field: 'linkId', label: '<LINK_ID>', description: 'Link id from `links <id>`: L-7 or 7.' });
export const SEARCH_TEXT = arg({ field: 'search', label: '[TEXT]', rest: 'join', description: 'Text to search for (same as --search).' });
export const HELP_TOPIC = arg({ field: 'subcommand', label: '[subcommand]', rest: 'join', description: 'Subcommand to explain, e.g. new or lists create.' });
export const PATH = arg({ field: 'path', label: '<PATH>', description: 'CSV file to import: a header row with email and/or phone plus attribute columns.' });
export const ADDRESS = arg({ field: 'address', label: '<ADDRESS>', description: 'Email address or phone number.' });
export const LIST_NAME = arg({ field: 'listName', label: '<NAME>', description: 'List name; quote it if it has spaces.' });
export const SEGMENT_NAME = arg({ field: 'segmentName', label: '<NAME>', description: 'Segment name; quote it if it has spaces.' });
export const TEMPLATE_NAME = arg({ field: 'templateName', label: '<NAME>', description: 'Template name; quote it if it has spaces.' });
