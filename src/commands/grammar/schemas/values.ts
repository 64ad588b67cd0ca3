import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { closestMatch } from '../../../domain/text/closest-match.js';
import { describeInvalidCharacter, excerptTyped, findInvalidCharacter } from '../../../domain/text/invalid-characters.js';

/**
 * Value formats of the `/campaign` grammar. Each `read…` function is pure and returns the
 * normalised value or a {@link ValueProblem} whose message completes a sentence that starts with
 * the flag or argument (`--launch` + ` must be one of now, manual, scheduled, recurring (got "later")`). The zod schemas
 * below wrap them so the command schemas stay declarative, and so Slack modals can reuse them.
 */

export const CAMPAIGN_STATUSES = ['draft', 'ready', 'scheduled', 'queued', 'sending', 'paused', 'suspended', 'stopped', 'cancelled', 'completed', 'failed', 'rejected'] as const;
export const CHANNELS = ['email', 'sms'] as const;
export const LAUNCH_TYPES = ['now', 'manual', 'scheduled', 'recurring'] as const;
export const MESSAGE_STATUSES = ['queued', 'sending', 'delivered', 'failed', 'opted_out', 'retrying', 'assumed_delivered', 'bounced', 'complained', 'blocked', 'unknown'] as const;
export const SEGMENT_MATCHES = ['all', 'any'] as const;
export const CONDITION_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists', 'not_exists'] as const;

export type CampaignStatusValue = (typeof CAMPAIGN_STATUSES)[number];
export type ChannelValue = string;
export type LaunchTypeValue = (typeof LAUNCH_TYPES)[number];
export type MessageStatusValue = (typeof MESSAGE_STATUSES)[number];
export type SegmentMatchValue = (typeof SEGMENT_MATCHES)[number];
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** One audience condition, the shape segments and one-time filters store. */
export interface Condition {
  field: string;
  op: ConditionOp;
  value?: string;
}

/** One A/B variant as typed: `A:Welcome:70`. */
export interface VariantValue {
  label: string;
  template: string;
  weight: number;
}

/** Upper bound of `--ttl`: 14 days. The SMS provider may allow less (Twilio: 36,000 s); the domain narrows it. */
export const TTL_MAX_SECONDS = 1_209_600;
/** Largest id the database can hold (PostgreSQL `integer`); also the bound of versions and run numbers. */
export const MAX_ID = 2_147_483_647;

/**
 * The range of every numeric flag, in one table so that `help`, the README and the refusals agree.
 * `--page` stops where no list is that long (100,000 pages of 25); `--limit` at what one reply can
 * show; `--days` at a year, the furthest a calendar looks ahead.
 */
export const INT_RANGES = {
  page: { min: 1, max: 100_000 },
  limit: { min: 1, max: 1_000 },
  days: { min: 1, max: 366 },
  run: { min: 1, max: MAX_ID },
  version: { min: 1, max: MAX_ID },
} as const;

export class ValueProblem {
  constructor(readonly message: string) {}
}

// Values are echoed as bounded excerpts, unsafe characters escaped: a 100 kB word never comes back whole.
const quote = (raw: string): string => excerptTyped(raw);
const grouped = (n: number): string => n.toLocaleString('en-US');

function readPrefixedId(raw: string, prefix: string, example: string): number | ValueProblem {
  const match = new RegExp(`^(?:${prefix}-)?(\\d+)$`, 'i').exec(raw.trim());
  if (!match) return new ValueProblem(`must be an id like ${example} (got ${quote(raw)})`);
  const id = Number(match[1]);
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) return new ValueProblem(`must be an id from 1 to ${grouped(MAX_ID)}, like ${example} (got ${quote(raw)})`);
  return id;
}

export const readCampaignId = (raw: string) => readPrefixedId(raw, 'c', 'C-1042 or 1042');
export const readApprovalId = (raw: string) => readPrefixedId(raw, 'a', 'A-12 or 12');
export const readMessageId = (raw: string) => readPrefixedId(raw, 'm', 'M-5531 or 5531');
export const readLinkId = (raw: string) => readPrefixedId(raw, 'l', 'L-7 or 7');

export function readChoice<const T extends string>(raw: string, choices: readonly T[]): T | ValueProblem {
  const value = raw.trim().toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T;
  const guess = closestMatch(value, choices);
  const hint = guess ? `; did you mean "${guess}"?` : '';
  return new ValueProblem(`must be one of ${choices.join(', ')} (got ${quote(raw)}${hint})`);
}

/** A whole number in `[min, max]`; the refusal states the range, whatever was typed. */
export function readBoundedInt(raw: string, min: number, max: number): number | ValueProblem {
  const value = raw.trim();
  const range = `a whole number from ${grouped(min)} to ${grouped(max)}`;
  if (!/^\d+$/.test(value)) return new ValueProblem(`must be ${range} (got ${quote(raw)})`);
  // Compared as digits first: Number() of a 400-digit word is Infinity, and 2^53+1 rounds.
  const digits = value.replace(/^0+(?=\d)/, '');
  const n = digits.length > 15 ? Number.POSITIVE_INFINITY : Number(digits);
  if (n < min || n > max) return new ValueProblem(`must be ${range} (got ${quote(raw)}, which is too ${n < min ? 'small' : 'large'})`);
  return n;
}

/** Trimmed text; empty is refused unless `allowEmpty` (e.g. `--description ""` clears it). */
export function readText(raw: string, allowEmpty = false): string | ValueProblem {
  const value = raw.trim();
  if (!value && !allowEmpty) return new ValueProblem('must not be empty');
  return value;
}

/** Comma list of tags: trimmed, lower-cased, empty items and repeats dropped. */
export function readTags(raw: string): string[] | ValueProblem {
  const tags = [...new Set(raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (tags.length === 0) return new ValueProblem(`needs at least one tag, e.g. spring,promo (got ${quote(raw)})`);
  return tags;
}

/** Comma list of campaign statuses, each checked. */
export function readStatusList(raw: string): CampaignStatusValue[] | ValueProblem {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) return new ValueProblem(`needs at least one status (got ${quote(raw)})`);
  const out: CampaignStatusValue[] = [];
  for (const item of items) {
    const status = readChoice(item, CAMPAIGN_STATUSES);
    if (status instanceof ValueProblem) return status;
    if (!out.includes(status)) out.push(status);
  }
  return out;
}

const LOCAL_WHEN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/i;
const OFFSET_WHEN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const WHEN_FORMS = 'YYYY-MM-DD HH:mm, YYYY-MM-DDTHH:mm[:ss] or an ISO time with offset such as 2026-03-01T09:00:00Z';

/**
 * A send time: local wall time (read in `--tz` by the domain) or an ISO time with an offset.
 * Local times are normalised to `YYYY-MM-DDTHH:mm[:ss]` (what luxon's `fromISO` reads); times with
 * an offset are kept as typed. The date must exist (2026-02-30 does not).
 */
export function readWhen(raw: string): string | ValueProblem {
  const value = raw.trim();
  const local = LOCAL_WHEN.exec(value);
  const parts = local ?? OFFSET_WHEN.exec(value);
  if (!parts) return new ValueProblem(`must be a date and time as ${WHEN_FORMS} (got ${quote(raw)})`);
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((p) => (p === undefined ? 0 : Number(p))) as number[];
  const badDate = dateProblem(year!, month!, day!, raw);
  if (badDate) return badDate;
  if (hour! > 23 || minute! > 59 || second! > 59) return new ValueProblem(`is not a real time of day (got ${quote(raw)})`);
  if (!local) {
    if (!DateTime.fromISO(value, { setZone: true }).isValid) return new ValueProblem(`has an invalid UTC offset (got ${quote(raw)})`);
    return value;
  }
  const [date, time] = value.split(/[ T]/i) as [string, string];
  return `${date}T${time.replace(/^(\d):/, '0$1:')}`;
}

/** Whether year-month-day is a day of the calendar (2026-02-30 is not). */
function dateProblem(year: number, month: number, day: number, raw: string): ValueProblem | null {
  if (month < 1 || month > 12) return new ValueProblem(`has no month ${month} (got ${quote(raw)})`);
  const daysInMonth = DateTime.utc(year, month).daysInMonth ?? 31;
  if (day < 1 || day > daysInMonth) return new ValueProblem(`is not a real date: ${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')} has ${daysInMonth} days (got ${quote(raw)})`);
  return null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar day as YYYY-MM-DD (read in the account's zone by the domain); the day must exist. */
export function readDay(raw: string): string | ValueProblem {
  const value = raw.trim();
  const parts = DAY.exec(value);
  if (!parts) return new ValueProblem(`must be a day as YYYY-MM-DD, such as 2026-12-01 (got ${quote(raw)})`);
  return dateProblem(Number(parts[1]), Number(parts[2]), Number(parts[3]), raw) ?? value;
}

export function readZone(raw: string): string | ValueProblem {
  const value = raw.trim();
  if (!IANAZone.isValidZone(value)) return new ValueProblem(`must be an IANA time zone such as Europe/London or America/New_York (got ${quote(raw)})`);
  return value;
}

/** Only the shape: 5 or 6 fields. The domain's cron library checks the fields themselves. */
export function readCron(raw: string): string | ValueProblem {
  const fields = raw.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    return new ValueProblem(`must be a cron expression of 5 or 6 fields in quotes, e.g. "0 9 * * 1" (got ${quote(raw)}: ${fields.length} field${fields.length === 1 ? '' : 's'})`);
  }
  return fields.join(' ');
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `4h`, `2d` or plain seconds, in 1 s .. 14 days. */
export function readDuration(raw: string): number | ValueProblem {
  const match = /^(\d+)\s*([smhd]?)$/i.exec(raw.trim());
  if (!match) return new ValueProblem(`must be a duration such as 90s, 30m, 4h, 2d or a number of seconds (got ${quote(raw)})`);
  const seconds = Number(match[1]) * (DURATION_UNITS[(match[2] || 's').toLowerCase()] ?? 1);
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > TTL_MAX_SECONDS) {
    return new ValueProblem(`must be between 1 second and 14 days (${TTL_MAX_SECONDS} s) (got ${quote(raw)})`);
  }
  return seconds;
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const OPERATORS: [string, ConditionOp][] = [['!=', 'neq'], ['>=', 'gte'], ['<=', 'lte'], ['=', 'eq'], ['>', 'gt'], ['<', 'lt'], ['~', 'contains']];
const CONDITION_FORMS = 'plan=pro, plan!=free, age>=18, name~smith, has:phone or !has:phone';

/** `field=value`, `field!=value`, `field>value`, `>=`, `<`, `<=`, `field~value` (contains), `has:field`, `!has:field`. */
export function readCondition(raw: string): Condition | ValueProblem {
  const text = raw.trim();
  const fieldProblem = (field: string) =>
    new ValueProblem(`has field name ${quote(field)}, which must start with a letter and use only letters, digits, _, . and - (in ${quote(raw)})`);
  const has = /^(!?)has:(.*)$/i.exec(text);
  if (has) {
    const field = (has[2] ?? '').trim();
    if (!FIELD_NAME.test(field)) return fieldProblem(field);
    return { field, op: has[1] ? 'not_exists' : 'exists' };
  }
  const at = text.search(/[!=<>~]/);
  if (at <= 0) return new ValueProblem(`must be a condition such as ${CONDITION_FORMS} (got ${quote(raw)})`);
  const field = text.slice(0, at).trim();
  const operator = OPERATORS.find(([symbol]) => text.startsWith(symbol, at));
  if (!operator) return new ValueProblem(`must be a condition such as ${CONDITION_FORMS} (got ${quote(raw)})`);
  if (!FIELD_NAME.test(field)) return fieldProblem(field);
  const [symbol, op] = operator;
  const value = text.slice(at + symbol.length).trim();
  if (!value && op !== 'eq' && op !== 'neq') return new ValueProblem(`needs a value after "${symbol}" (in ${quote(raw)})`);
  return { field, op, value };
}

/** `LABEL:TEMPLATE:WEIGHT`; the template name may itself contain colons. */
export function readVariant(raw: string): VariantValue | ValueProblem {
  const first = raw.indexOf(':');
  const last = raw.lastIndexOf(':');
  const label = raw.slice(0, first).trim();
  const template = raw.slice(first + 1, last).trim();
  if (first === -1 || first === last || !label || !template) {
    return new ValueProblem(`must be LABEL:TEMPLATE:WEIGHT, e.g. A:Welcome:70 (got ${quote(raw)})`);
  }
  const weightText = raw.slice(last + 1).trim();
  const weight = /^\d+$/.test(weightText) ? Number(weightText) : NaN;
  if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
    return new ValueProblem(`weight must be a whole number from 1 to 100 (got ${quote(weightText)} in ${quote(raw)})`);
  }
  return { label, template, weight };
}

export function readEmail(raw: string): string | ValueProblem {
  const value = raw.trim();
  if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/.test(value)) return new ValueProblem(`must be an email address such as news@example.com (got ${quote(raw)})`);
  return value;
}

export function readUrl(raw: string): string | ValueProblem {
  const value = raw.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return new ValueProblem(`must be an http or https URL such as https://example.com/sale (got ${quote(raw)})`);
  }
  return value;
}

/**
 * Wraps a reader as a zod schema from the typed string to the normalised value. Every value is
 * first checked for characters no stored text may hold (NUL, other controls, lone surrogates,
 * noncharacters; see invalid-characters.ts): here once, so every command and every Slack form that
 * validates through these schemas refuses them with the field named. `multiline` lets free text
 * written on several lines keep its tabs and line breaks.
 */
export function valueSchema<T>(read: (raw: string) => T | ValueProblem, options: { multiline?: boolean } = {}) {
  return z.string().transform((raw, ctx): T => {
    const bad = findInvalidCharacter(raw, options);
    if (bad) {
      ctx.addIssue({ code: 'custom', message: describeInvalidCharacter(bad, options.multiline), input: raw });
      return z.NEVER;
    }
    const out = read(raw);
    if (out instanceof ValueProblem) {
      ctx.addIssue({ code: 'custom', message: out.message, input: raw });
      return z.NEVER;
    }
    return out;
  });
}

export const campaignIdSchema = valueSchema(readCampaignId);
export const approvalIdSchema = valueSchema(readApprovalId);
export const messageIdSchema = valueSchema(readMessageId);
export const linkIdSchema = valueSchema(readLinkId);
export const campaignStatusListSchema = valueSchema(readStatusList);
/**
 * A channel is a provider's name (`email`, `sms`, or one an adapter adds), so the grammar checks its
 * shape and the domain checks that a provider sends on it.
 */
export function readChannel(raw: string): string | ValueProblem {
  const value = raw.trim().toLowerCase();
  if (/^[a-z][a-z0-9_-]{0,30}$/.test(value)) return value;
  return new ValueProblem(`must be a channel name such as ${CHANNELS.join(' or ')} (letters, digits, _ and -; got ${quote(raw)})`);
}

export const channelSchema = valueSchema(readChannel);
export const launchTypeSchema = valueSchema((raw) => readChoice(raw, LAUNCH_TYPES));
export const messageStatusSchema = valueSchema((raw) => readChoice(raw, MESSAGE_STATUSES));
export const segmentMatchSchema = valueSchema((raw) => readChoice(raw, SEGMENT_MATCHES));
/** A whole number in one of the {@link INT_RANGES}. */
export const intSchema = (range: keyof typeof INT_RANGES) => valueSchema((raw) => readBoundedInt(raw, INT_RANGES[range].min, INT_RANGES[range].max));
export const pageSchema = intSchema('page');
export const limitSchema = intSchema('limit');
export const daysSchema = intSchema('days');
export const runNumberSchema = intSchema('run');
export const versionSchema = intSchema('version');
/** Any whole number the database stores (1 to 2,147,483,647); prefer a named range above. */
export const positiveIntSchema = versionSchema;
/** One-line text: names, subjects, addresses, search words. */
export const textSchema = valueSchema((raw) => readText(raw));
export const optionalTextSchema = valueSchema((raw) => readText(raw, true));
/** Free text that may span lines (tabs and line breaks kept): reasons and template bodies. */
export const multilineTextSchema = valueSchema((raw) => readText(raw), { multiline: true });
/** A description: free text on several lines; `""` clears it. */
export const optionalMultilineTextSchema = valueSchema((raw) => readText(raw, true), { multiline: true });
/** Exactly as typed (not trimmed), but still free of characters that cannot be stored. */
export const exactTextSchema = valueSchema((raw) => raw);
export const tagSchema = valueSchema((raw) => readText(raw.toLowerCase()));
export const tagsSchema = valueSchema(readTags);
export const whenSchema = valueSchema(readWhen);
export const daySchema = valueSchema(readDay);
export const zoneSchema = valueSchema(readZone);
export const cronSchema = valueSchema(readCron);
export const durationSchema = valueSchema(readDuration);
export const conditionSchema = valueSchema(readCondition);
export const variantSchema = valueSchema(readVariant);
export const emailSchema = valueSchema(readEmail);
export const urlSchema = valueSchema(readUrl);
/** A boolean flag: present means true; absent stays undefined. */
export const switchSchema = z.boolean().optional();

/** Error codes a command schema's cross-field rule may report (the rest come from the parser). */
export type RuleCode = 'MISSING_ARGUMENT' | 'UNEXPECTED_ARGUMENT' | 'INVALID_VALUE';

/** Reports a broken cross-field rule; `message` is the whole sentence shown to the person. */
export function breakRule(ctx: z.RefinementCtx, code: RuleCode, message: string): void {
  ctx.addIssue({ code: 'custom', message, params: { grammarCode: code } });
}
