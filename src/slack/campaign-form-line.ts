import { DateTime } from 'luxon';
import { campaignRef } from '../domain/campaign/campaign.js';
import type { FormInitial } from './blocks/modals/campaign-form.js';
import { readField, readMulti, type ViewState } from './blocks/modals/modal-kit.js';
import { FIELDS, type FieldName } from './ids.js';
import { quote } from './run-command.js';

export type FieldErrors = Partial<Record<string, string>>;

/**
 * Turns the submitted campaign form into one `/campaign new` or `edit` line, so the command layer
 * (not this edge) validates and applies it. Only the form's own shape is checked here: a date
 * needs a time and the other way round. On edit, only fields that differ from the campaign are sent.
 */
export function campaignFormLine(state: ViewState, initial?: FormInitial): { line: string; changed: boolean } | { errors: FieldErrors } {
  const c = initial?.campaign;
  const v = (f: FieldName) => readField(state, f);
  const flags: string[] = [];
  const add = (flag: string, value: string | undefined, before: string | null | undefined) => {
    if (value !== undefined && value !== (before ?? undefined)) flags.push(`${flag} ${quote(value)}`);
  };
  const date = v('date');
  const time = v('time');
  if (date && !time) return { errors: { [FIELDS.time.block]: 'Pick a time as well as the date.' } };
  if (time && !date) return { errors: { [FIELDS.date.block]: 'Pick a date as well as the time.' } };

  add('--name', v('name'), c?.name);
  add('--channel', v('channel'), c?.channel);
  add('--description', v('description'), c?.description || undefined);
  add('--template', v('template'), initial?.template);
  add('--list', v('list'), initial?.list);
  const include = readMulti(state, 'include') ?? [];
  const exclude = readMulti(state, 'exclude') ?? [];
  if (!sameSet(include, initial?.include ?? []) || !sameSet(exclude, initial?.exclude ?? [])) {
    if (c) flags.push('--clear-segments');
    for (const s of include) flags.push(`--include ${quote(s)}`);
    for (const s of exclude) flags.push(`--exclude ${quote(s)}`);
  }
  const launch = v('launch');
  add('--launch', launch, c?.launchType);
  const zone = v('tz');
  const scheduledBefore = c?.sendAt ? DateTime.fromJSDate(c.sendAt, { zone: c.timeZone ?? zone ?? 'UTC' }).toFormat('yyyy-LL-dd HH:mm') : undefined;
  add('--at', date && time ? `${date} ${time}` : undefined, scheduledBefore);
  add('--cron', v('cron'), c?.cron);
  const timed = !!(date || v('cron') || launch === 'scheduled' || launch === 'recurring');
  if (zone && (c ? zone !== (c.timeZone ?? zone) || flags.some((f) => f.startsWith('--at')) : timed)) flags.push(`--tz ${quote(zone)}`);
  const tags = v('tags');
  if (tags !== undefined && tags !== (c?.tags.join(', ') || undefined)) flags.push(`--tags ${quote(tags)}`);
  add('--ttl', v('ttl'), c?.smsTtlSeconds ? `${c.smsTtlSeconds}s` : undefined);
  const variants = (v('variants') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  if (!sameList(variants, initial?.variants ?? [])) {
    if (c) flags.push('--clear-variants');
    for (const line of variants) flags.push(`--variant ${quote(line)}`);
  }
  const head = c ? `edit ${campaignRef(c.id)}` : 'new';
  return { line: [head, ...flags].join(' '), changed: flags.length > 0 };
}

/** Which form field an error from the command layer is about, from the flag or thing it names. */
export function fieldForError(text: string): string {
  const flag = /--([a-z][a-z-]*)/.exec(text)?.[1];
  const byFlag: Record<string, FieldName> = {
    name: 'name', channel: 'channel', description: 'description', template: 'template', list: 'list', include: 'include', exclude: 'exclude',
    launch: 'launch', at: 'date', cron: 'cron', tz: 'tz', tags: 'tags', ttl: 'ttl', variant: 'variants',
  };
  if (flag && byFlag[flag]) return FIELDS[byFlag[flag]].block;
  const byWord: [RegExp, FieldName][] = [
    [/variant|a\/b/i, 'variants'],
    [/template/i, 'template'],
    [/segment/i, 'include'],
    [/\blist\b/i, 'list'],
    [/time zone|zone/i, 'tz'],
    [/cron/i, 'cron'],
    [/send time|in the past|date/i, 'date'],
    [/ttl|validity/i, 'ttl'],
    [/tag/i, 'tags'],
  ];
  const hit = byWord.find(([re]) => re.test(text));
  return FIELDS[hit ? hit[1] : 'name'].block;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
