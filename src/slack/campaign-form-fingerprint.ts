import { DateTime } from 'luxon';
import { campaignRef } from '../domain/campaign/campaign.js';
import { ifLateChoice, type FormInitial } from './blocks/modals/campaign-form.js';
import { cut } from './blocks/mrkdwn.js';
import { FIELDS, type FieldName } from './ids.js';

/** The edit form's fields: what each one shows is compared between opening and submitting. */
const FORM_FIELDS = ['name', 'channel', 'description', 'template', 'list', 'include', 'exclude', 'launch', 'date', 'time', 'cron', 'tz', 'ifLate', 'tags', 'ttl', 'tracking', 'variants'] as const satisfies readonly FieldName[];
type FormField = (typeof FORM_FIELDS)[number];

const AGAIN = 'Nothing was saved: close this form and press Edit again to start from the current values.';

/**
 * What each field of the edit form shows for a campaign, as text: the values the form is prefilled
 * with (campaign-form.ts), defaults included (a campaign with no launch type shows "manual"). An
 * edit at the version the form was opened on compares the submission with these, so a field
 * nobody touched is never written.
 */
export function formShows(initial: FormInitial, accountTimeZone: string): Record<FormField, string> {
  const c = initial.campaign;
  const zone = c.timeZone ?? accountTimeZone;
  const sendAt = c.sendAt ? DateTime.fromJSDate(c.sendAt, { zone }) : null;
  return {
    name: c.name,
    channel: c.channel,
    description: c.description ?? '',
    template: initial.template ?? '',
    list: initial.list ?? '',
    include: [...initial.include].sort().join(', '),
    exclude: [...initial.exclude].sort().join(', '),
    launch: c.launchType ?? 'manual',
    date: sendAt ? sendAt.toFormat('yyyy-LL-dd') : '',
    time: sendAt ? sendAt.toFormat('HH:mm') : '',
    cron: c.cron ?? '',
    tz: zone,
    ifLate: ifLateChoice(c.ifLate),
    tags: c.tags.join(', '),
    ttl: c.smsTtlSeconds ? `${c.smsTtlSeconds}s` : '',
    tracking: c.tracking ? 'on' : 'off',
    variants: initial.variants.join('\n'),
  };
}

/** A block of a submitted view as Slack sends it back: its id and its element's initial value. */
interface ViewBlock {
  block_id?: string;
  type?: string;
  element?: { initial_value?: string; initial_option?: { value?: string }; initial_options?: { value?: string }[]; initial_date?: string; initial_time?: string };
}

/** What each field showed when the form was drawn: the initial values of the view's own blocks. */
function shownIn(blocks: readonly ViewBlock[]): Partial<Record<FormField, string>> {
  const out: Partial<Record<FormField, string>> = {};
  for (const f of FORM_FIELDS) {
    const block = blocks.find((b) => b.type === 'input' && b.block_id === FIELDS[f].block);
    if (!block) continue;
    const e = block.element ?? {};
    out[f] = e.initial_options
      ? e.initial_options.map((o) => o.value ?? '').sort().join(', ')
      : (e.initial_value ?? e.initial_option?.value ?? e.initial_date ?? e.initial_time ?? '');
  }
  return out;
}

/**
 * A submission made on another version than the form was opened on is refused (the version is all
 * the form keeps in private_metadata), naming what someone else changed since: an error under each
 * field that no longer shows what the form was drawn with (the view's own initial values, as Slack
 * sends them back), saying what it is now; a change the form does not show (the status, the
 * one-time filter) is said on the name field.
 */
export function staleFormErrors(current: FormInitial, accountTimeZone: string, blocks: readonly ViewBlock[]): Record<string, string> {
  const ref = campaignRef(current.campaign.id);
  const now = formShows(current, accountTimeZone);
  const then = shownIn(blocks);
  const changed = FORM_FIELDS.filter((f) => then[f] !== undefined && then[f] !== now[f]);
  const shown = (f: FormField) => (now[f] ? `"${cut(now[f].replace(/\s+/g, ' '), 80)}"` : 'empty');
  const errors: Record<string, string> = {};
  for (const f of changed) errors[FIELDS[f].block] = `Changed by someone else since you opened this form: now ${shown(f)}. ${AGAIN}`;
  const name = FIELDS.name.block;
  if (!errors[name]) {
    const where = changed.length ? '' : ', in something the form does not show (such as its one-time filter)';
    errors[name] = `${ref} was changed by someone else since you opened this form${where}; it is now ${current.campaign.status}. ${AGAIN}`;
  }
  return Object.fromEntries(Object.entries(errors).map(([block, text]) => [block, cut(text, 300)]));
}
