import type { EditCommand, NewCommand } from '../commands/grammar/commands.js';
import { buildCommand, CommandSyntaxError } from '../commands/grammar/parse-command.js';
import type { FormInitial } from './blocks/modals/campaign-form.js';
import { readField, readMulti, type ViewState } from './blocks/modals/modal-kit.js';
import { formShows } from './campaign-form-fingerprint.js';
import { FIELDS, fieldBlock, VIEWS, type FieldName } from './ids.js';

export type FieldErrors = Record<string, string>;

/** What a submitted campaign form asks for: a typed command, nothing to change, or errors by block. */
export type FormCommand = { command: NewCommand | EditCommand } | { unchanged: true } | { errors: FieldErrors };

/**
 * Turns the submitted campaign form into a typed `new` or `edit` Command, checked by the grammar's
 * own schemas (the same values as typed, no text line in between); a refused value is reported
 * under its field's block. The form's own shape is checked here: a date needs a time and the other
 * way round. On edit (`initial`: the campaign as re-read now, at the version the form was opened
 * on), only fields whose value differs from what the form showed (formShows, defaults included)
 * are in the command, and the command is conditional on that version: a field the person did not
 * touch is never written, whatever it holds.
 */
export function campaignFormCommand(state: ViewState, initial?: FormInitial & { version: number }, accountTimeZone = 'UTC'): FormCommand {
  const c = initial?.campaign;
  const shown = initial ? formShows(initial, accountTimeZone) : undefined;
  const v = (f: FieldName) => readField(state, f);
  const date = v('date');
  const time = v('time');
  if (date && !time) return { errors: { [FIELDS.time.block]: 'Pick a time as well as the date.' } };
  if (time && !date) return { errors: { [FIELDS.date.block]: 'Pick a date as well as the time.' } };

  const input: Record<string, unknown> = {};
  const put = (field: string, value: string | undefined, before: string | null | undefined) => {
    if (value !== undefined && value !== (before || undefined)) input[field] = value;
  };
  put('campaignName', v('name'), shown?.name);
  put('channel', v('channel'), shown?.channel);
  put('description', v('description'), shown?.description);
  put('template', v('template'), shown?.template);
  put('list', v('list'), shown?.list);
  const include = readMulti(state, 'include') ?? [];
  const exclude = readMulti(state, 'exclude') ?? [];
  if (!sameSet(include, initial?.include ?? []) || !sameSet(exclude, initial?.exclude ?? [])) {
    if (c) input.clearSegments = true;
    if (c || include.length) input.include = include;
    if (c || exclude.length) input.exclude = exclude;
  }
  const launch = v('launch');
  put('launch', launch, shown?.launch);
  put('at', date && time ? `${date} ${time}` : undefined, shown?.date ? `${shown.date} ${shown.time}` : undefined);
  put('cron', v('cron'), shown?.cron);
  const zone = v('tz');
  const timed = !!(date || v('cron') || launch === 'scheduled' || launch === 'recurring');
  // A new send time is wall time in the zone the form shows, so it goes with its zone.
  if (zone && (shown ? zone !== shown.tz || input.at !== undefined : timed)) input.tz = zone;
  put('tags', v('tags'), shown?.tags);
  put('ttlSeconds', v('ttl'), shown?.ttl);
  // A new campaign's form shows the typed command's defaults: only a choice away from them is sent.
  put('ifLate', v('ifLate'), shown?.ifLate ?? 'send');
  put('tracking', v('tracking'), shown?.tracking ?? 'on');
  const variants = (v('variants') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  if (!sameList(variants, initial?.variants ?? [])) {
    if (c) input.clearVariants = true;
    input.variants = variants;
  }
  if (c && Object.keys(input).length === 0) return { unchanged: true };
  try {
    return {
      command: c
        ? buildCommand('edit', { ...input, campaignId: String(c.id), ifVersion: String(initial!.version) })
        : buildCommand('new', input),
    };
  } catch (error) {
    if (!(error instanceof CommandSyntaxError)) throw error;
    return { errors: formErrors(error) };
  }
}

/** Every refused value of a built command under its field's block (the name field for the rest). */
export function formErrors(error: CommandSyntaxError, callbackId: string = VIEWS.campaignForm, fallback: string = FIELDS.name.block): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of error.details.problems ?? [{ field: error.details.field, message: error.message }]) {
    const block = fieldBlock(callbackId, problem.field, fallback);
    errors[block] = errors[block] ? `${errors[block]} ${problem.message}` : problem.message;
  }
  return errors;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
