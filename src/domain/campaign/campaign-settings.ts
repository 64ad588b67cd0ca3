import { IANAZone } from 'luxon';
import { AppError } from '../errors.js';
import { checkText, TEXT_LIMITS } from '../text/limits.js';
import { channelSpec } from '../channels/channel-spec.js';
import { parseSegmentFilter, type Condition } from '../contacts/segment-filter.js';
import { campaignRef, type Campaign, type CampaignSettings, type Channel, type LateSendPolicy, type LaunchType, type Variant } from './campaign.js';
import type { CampaignDeps } from './campaign-deps.js';
import { parseSendAt } from './launch-campaign.js';

/** Campaign settings as people type them: names, not ids (from the command grammar or a modal). */
export interface SettingsInput {
  name?: string;
  description?: string;
  tags?: string[];
  channel?: Channel;
  template?: string;
  list?: string;
  include?: string[];
  exclude?: string[];
  filter?: Condition[];
  launch?: LaunchType;
  at?: string;
  cron?: string;
  tz?: string;
  /** What to do if the send is found overdue after downtime (`--if-late`). */
  ifLate?: LateSendPolicy;
  ttlSeconds?: number;
  /** Open and click tracking: on (the default) or off (links sent as written, no pixel). */
  tracking?: 'on' | 'off';
  variants?: { label: string; template: string; weight: number }[];
  clearFilter?: boolean;
  clearSegments?: boolean;
  clearVariants?: boolean;
}

/** Kept for callers that cut a name to fit (clone); the limits live in domain/text/limits.ts. */
export const NAME_MAX = TEXT_LIMITS.name;
/** Twilio's validity period bounds (1 s .. 36 000 s = 10 h); email ignores TTL. */
export const SMS_TTL_MAX_S = 36_000;

export function validateTimeZone(zone: string): string {
  if (!IANAZone.isValidZone(zone)) throw new AppError('INVALID_INPUT', `"${zone}" is not a time zone (use an IANA name like Europe/Paris).`, { field: 'tz' });
  return zone;
}

/**
 * Resolves names to ids and checks every value, producing the settings to store. `base` is the
 * campaign being edited (absent on create). Errors name the field and the value.
 */
export async function resolveSettings(deps: CampaignDeps, input: SettingsInput, base?: Campaign): Promise<Partial<CampaignSettings>> {
  const out: Partial<CampaignSettings> = {};
  const channel = input.channel ?? base?.channel;
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) throw new AppError('INVALID_INPUT', 'The name must not be empty.', { field: 'name' });
    checkText('The name', name, TEXT_LIMITS.name, 'name');
    out.name = name;
  }
  if (input.description !== undefined) out.description = checkText('The description', input.description.trim(), TEXT_LIMITS.description, 'description');
  if (input.ifLate !== undefined) out.ifLate = input.ifLate;
  if (input.tags !== undefined) {
    const tags = [...new Set(input.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
    if (tags.length > TEXT_LIMITS.tagsPerCampaign) throw new AppError('INVALID_INPUT', `There are ${tags.length} tags; at most ${TEXT_LIMITS.tagsPerCampaign}.`, { field: 'tags' });
    for (const tag of tags) checkText('A tag', tag, TEXT_LIMITS.tag, 'tags');
    out.tags = tags;
  }
  if (input.channel !== undefined) out.channel = channelSpec(deps.config.channels, input.channel).name;

  if (input.template !== undefined) {
    const template = await deps.templates.findByName(input.template);
    if (!template) throw await unknownName(deps, 'template', input.template, 'template');
    if (channel && template.channel !== channel) {
      throw new AppError('INVALID_INPUT', `Template "${template.name}" is for ${template.channel}; this campaign is ${channel}.`, { field: 'template' });
    }
    out.templateId = template.id;
  } else if (input.channel !== undefined && base?.templateId != null) {
    const current = await deps.templates.get(base.templateId);
    if (current && current.channel !== input.channel) {
      throw new AppError('INVALID_INPUT', `Template "${current.name}" is for ${current.channel}: choose a ${input.channel} template along with the new channel.`, { field: 'template' });
    }
  }
  if (input.list !== undefined) {
    const list = await deps.contacts.findListByName(input.list);
    if (!list) throw await unknownName(deps, 'list', input.list, 'list');
    out.listId = list.id;
  }
  if (input.clearSegments) {
    out.includeSegmentIds = [];
    out.excludeSegmentIds = [];
  }
  if (input.include !== undefined) out.includeSegmentIds = await segmentIds(deps, input.include, 'include');
  if (input.exclude !== undefined) out.excludeSegmentIds = await segmentIds(deps, input.exclude, 'exclude');
  if (input.clearFilter) out.oneTimeFilter = null;
  if (input.filter !== undefined && input.filter.length > 0) {
    // The same normalisation as saved segments (lower-cased attribute names), so both match alike.
    out.oneTimeFilter = parseSegmentFilter({ match: 'all', conditions: input.filter });
  }

  if (input.tz !== undefined) out.timeZone = validateTimeZone(input.tz);
  const zone = out.timeZone ?? base?.timeZone ?? deps.config.accountTimeZone;
  if (input.launch !== undefined) out.launchType = input.launch;
  if (input.at !== undefined) {
    out.sendAt = parseSendAt(input.at, zone);
    if (out.sendAt.getTime() <= deps.clock.now().getTime()) throw new AppError('INVALID_INPUT', `The send time "${input.at.replace('T', ' ')}" (${zone}) is in the past.`, { field: 'at' });
    out.launchType ??= 'scheduled';
  }
  if (input.cron !== undefined) {
    const problem = deps.cron.validate(input.cron);
    if (problem) throw new AppError('INVALID_INPUT', `The cron expression "${input.cron}" is not valid: ${problem}.`, { field: 'cron' });
    out.cron = input.cron.trim();
    out.launchType ??= 'recurring';
  }
  if (input.ttlSeconds !== undefined) {
    if (!channel || !deps.config.channels.get(channel)?.ttl) throw new AppError('INVALID_INPUT', `A validity period (TTL) applies to channels that have one (SMS); this campaign is ${channel ?? 'without a channel'}.`, { field: 'ttlSeconds' });
    if (input.ttlSeconds < 1 || input.ttlSeconds > SMS_TTL_MAX_S) {
      throw new AppError('INVALID_INPUT', `The validity period (TTL) must be between 1 s and ${SMS_TTL_MAX_S} s (10 h, Twilio's validity limit); got ${input.ttlSeconds} s.`, { field: 'ttlSeconds' });
    }
    out.smsTtlSeconds = input.ttlSeconds;
  }
  if (input.tracking !== undefined) out.tracking = input.tracking === 'on';
  if (input.clearVariants) out.variants = [];
  if (input.variants !== undefined && input.variants.length > 0) out.variants = await variants(deps, input.variants, channel);
  else if (input.channel !== undefined && base && !input.clearVariants) await variantsFitChannel(deps, base.variants, input.channel);
  return out;
}

async function segmentIds(deps: CampaignDeps, names: string[], field: 'include' | 'exclude'): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    const segment = await deps.contacts.findSegmentByName(name);
    if (!segment) throw await unknownName(deps, 'segment', name, field);
    if (!ids.includes(segment.id)) ids.push(segment.id);
  }
  return ids;
}

async function variants(deps: CampaignDeps, input: NonNullable<SettingsInput['variants']>, channel: Channel | undefined): Promise<Variant[]> {
  const labels = new Set<string>();
  const out: Variant[] = [];
  for (const v of input) {
    if (labels.has(v.label)) throw new AppError('INVALID_INPUT', `Variant "${v.label}" is given twice.`, { field: 'variants' });
    labels.add(v.label);
    const template = await deps.templates.findByName(v.template);
    if (!template) throw await unknownName(deps, 'template', v.template, 'variants');
    if (channel && template.channel !== channel) throw new AppError('INVALID_INPUT', `Variant ${v.label}: template "${template.name}" is for ${template.channel}.`, { field: 'variants' });
    out.push({ label: v.label, templateId: template.id, weight: v.weight });
  }
  if (out.length === 1) throw new AppError('INVALID_INPUT', 'A/B testing needs at least two variants.', { field: 'variants' });
  return out;
}

/** A channel change keeps the variants it is not given: their templates must be for the new channel too. */
async function variantsFitChannel(deps: CampaignDeps, kept: readonly Variant[], channel: Channel): Promise<void> {
  for (const v of kept) {
    const template = await deps.templates.get(v.templateId);
    if (template && template.channel !== channel) {
      throw new AppError(
        'INVALID_INPUT',
        `Variant ${v.label}: template "${template.name}" is for ${template.channel}: give ${channel} variants along with the new channel, or clear the variants.`,
        { field: 'variants' },
      );
    }
  }
}

async function unknownName(deps: CampaignDeps, kind: 'template' | 'list' | 'segment', name: string, field: string): Promise<AppError> {
  const known =
    kind === 'template'
      ? (await deps.templates.list()).map((t) => t.name)
      : kind === 'list'
        ? (await deps.contacts.listLists()).map((l) => l.name)
        : (await deps.contacts.listSegments()).map((s) => s.name);
  const hint = known.length ? `Known ${kind}s: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.` : `There are no ${kind}s yet.`;
  return new AppError('NOT_FOUND', `No ${kind} named "${name}". ${hint}`, { kind, name, field });
}

/** True when only variant weights change (allowed while sending, seed 003). */
export function isRatioOnly(input: SettingsInput, base: Campaign): boolean {
  const keys = Object.entries(input).filter(([, v]) => v !== undefined && v !== false).map(([k]) => k);
  if (keys.length !== 1 || keys[0] !== 'variants' || !input.variants) return false;
  const current = new Map(base.variants.map((v) => [v.label, v]));
  return input.variants.length === base.variants.length && input.variants.every((v) => current.has(v.label));
}

export function describeRef(campaign: Campaign): string {
  return `${campaignRef(campaign.id)} "${campaign.name}"`;
}
