import { campaignRef } from '../domain/campaign/campaign.js';
import type { FormInitial } from './blocks/modals/campaign-form.js';
import { formShows } from './campaign-form-fingerprint.js';
import { readField, readMulti, type ViewState } from './blocks/modals/modal-kit.js';
import { FIELDS, type FieldName } from './ids.js';
import { quote } from './run-command.js';

export type FieldErrors = Partial<Record<string, string>>;

/**
 * Turns the submitted campaign form into one `/campaign new` or `edit` line, so the command layer
 * (not this edge) validates and applies it. Only the form's own shape is checked here: a date
 * needs a time and the other way round. On edit, only fields whose value differs from what the
 * form showed when it was opened (formShows, defaults included) are sent: a field the person did
 * not touch is never written, whatever it holds.
 */
export function campaignFormLine(state: ViewState, initial?: FormInitial, accountTimeZone = 'UTC'): { line: string; changed: boolean } | { errors: FieldErrors } {
  const c = initial?.campaign;
  const shown = initial ? formShows(initial, accountTimeZone) : undefined;
  const v = (f: FieldName) => readField(state, f);
  const flags: string[] = [];
  const add = (flag: string, value: string | undefined, before: string | null | undefined) => {
    if (value !== undefined && value !== (before || undefined)) flags.push(`${flag} ${quote(value)}`);
  };
  const date = v('date');
  const time = v('time');
  if (date && !time) return { errors: { [FIELDS.time.block]: 'Pick a time as well as the date.' } };
  if (time && !date) return { errors: { [FIELDS.date.block]: 'Pick a date as well as the time.' } };

  add('--name', v('name'), shown?.name);
  add('--channel', v('channel'), shown?.channel);
  add('--description', v('description'), shown?.description);
  add('--template', v('template'), shown?.template);
  add('--list', v('list'), shown?.list);
  const include = readMulti(state, 'include') ?? [];
  const exclude = readMulti(state, 'exclude') ?? [];
  if (!sameSet(include, initial?.include ?? []) || !sameSet(exclude, initial?.exclude ?? [])) {
    if (c) flags.push('--clear-segments');
    for (const s of include) flags.push(`--include ${quote(s)}`);
    for (const s of exclude) flags.push(`--exclude ${quote(s)}`);
  }
  const launch = v('launch');
  add('--launch', launch, shown?.launch);
  const zone = v('tz');
  add('--at', date && time ? `${date} ${time}` : undefined, shown?.date ? `${shown.date} ${shown.time}` : undefined);
  add('--cron', v('cron'), shown?.cron);
  const timed = !!(date || v('cron') || launch === 'scheduled' || launch === 'recurring');
  // A new send time is wall time in the zone the form shows, so it goes with its zone.
  if (zone && (shown ? zone !== shown.tz || flags.some((f) => f.startsWith('--at')) : timed)) flags.push(`--tz ${quote(zone)}`);
  add('--tags', v('tags'), shown?.tags);
  add('--ttl', v('ttl'), shown?.ttl);
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
