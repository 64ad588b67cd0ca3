import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { campaignRef } from '../domain/campaign/campaign.js';
import type { FormInitial } from './blocks/modals/campaign-form.js';
import type { ModalMetadata } from './blocks/modals/modal-kit.js';
import { cut } from './blocks/mrkdwn.js';
import { FIELDS, type FieldName } from './ids.js';

/** The edit form's fields: what each one shows is compared between opening and submitting. */
const FORM_FIELDS = ['name', 'channel', 'description', 'template', 'list', 'include', 'exclude', 'launch', 'date', 'time', 'cron', 'tz', 'tags', 'ttl', 'variants'] as const satisfies readonly FieldName[];
type FormField = (typeof FORM_FIELDS)[number];

const LABELS: Record<FormField, string> = {
  name: 'name', channel: 'channel', description: 'description', template: 'template', list: 'audience list', include: 'segments to send to',
  exclude: 'excluded segments', launch: 'launch', date: 'send date', time: 'send time', cron: 'cron', tz: 'time zone', tags: 'tags', ttl: 'SMS validity', variants: 'A/B variants',
};

const AGAIN = 'Nothing was saved: close this form and press Edit again to start from the current values.';

/**
 * What each field of the edit form shows for a campaign, as text: the values the form is prefilled
 * with (campaign-form.ts), defaults included (a campaign with no launch type shows "manual"). An
 * edit compares the submission with these, so a field nobody touched is never written.
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
    tags: c.tags.join(', '),
    ttl: c.smsTtlSeconds ? `${c.smsTtlSeconds}s` : '',
    variants: initial.variants.join('\n'),
  };
}

/**
 * What the edit form remembers of the campaign it was opened on, in private_metadata: its version
 * (the edit is saved only at that version), its status, and a short digest of each field rather
 * than the values themselves (a description alone could pass Slack's 3,000 characters).
 */
export function editFormMemory(initial: FormInitial, accountTimeZone: string): Required<Pick<ModalMetadata, 'version' | 'status' | 'seen'>> {
  const shows = formShows(initial, accountTimeZone);
  return {
    version: initial.campaign.version,
    status: initial.campaign.status,
    seen: Object.fromEntries(FORM_FIELDS.map((f) => [f, digest(shows[f])])),
  };
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 10);
}

/**
 * A submission made on an older version is refused with what changed since the form was opened:
 * an error under each field someone else changed, saying what it is now; a change the form does
 * not show (the status, the one-time filter) is said on the first field. `blocks` are the view's
 * block ids (errors may only name blocks it has); empty when unknown.
 */
export function staleFormErrors(meta: ModalMetadata, current: FormInitial, accountTimeZone: string, blocks: ReadonlySet<string>): Record<string, string> {
  const ref = campaignRef(current.campaign.id);
  const now = formShows(current, accountTimeZone);
  const seen = meta.seen ?? {};
  const changed = FORM_FIELDS.filter((f) => seen[f] !== undefined && seen[f] !== digest(now[f]));
  const shown = (f: FormField) => (now[f] ? `"${cut(now[f].replace(/\s+/g, ' '), 80)}"` : 'empty');
  const errors: Record<string, string> = {};
  const general: string[] = [];
  if (meta.status && meta.status !== current.campaign.status) general.push(`${ref} is now ${current.campaign.status}; it was ${meta.status} when you opened this form.`);
  for (const f of changed) {
    const block = FIELDS[f].block;
    if (blocks.size === 0 || blocks.has(block)) errors[block] = `Changed by someone else since you opened this form: now ${shown(f)}. ${AGAIN}`;
    else general.push(`Its ${LABELS[f]} changed too: now ${shown(f)}.`);
  }
  if (changed.length === 0 && general.length === 0) {
    general.push(`${ref} was changed by someone else since you opened this form, in something the form does not show (such as its one-time filter).`);
  }
  const name = FIELDS.name.block;
  const lead = general.join(' ');
  if (general.length) errors[name] = errors[name] ? `${lead} ${errors[name]}` : `${lead} ${AGAIN}`;
  return Object.fromEntries(Object.entries(errors).map(([block, text]) => [block, cut(text, 300)]));
}
