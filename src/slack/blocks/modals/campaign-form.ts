import { DateTime } from 'luxon';
import { campaignRef, type Campaign } from '../../../domain/campaign/campaign.js';
import { VIEWS } from '../../ids.js';
import { section } from '../reply-blocks.js';
import { modal, multiSelectInput, option, selectInput, textInput, type KnownBlock, type ModalMetadata, type ModalView } from './modal-kit.js';

/** Names the form offers; values are names because the command grammar takes names. */
const CHANNEL_LABELS: Record<string, string> = { email: 'Email', sms: 'SMS' };

export interface FormChoices {
  templates: { name: string; channel: string }[];
  lists: string[];
  segments: string[];
  accountTimeZone: string;
  /** Channel names this Herald sends on (its providers'); email and sms when not given. */
  channels?: string[];
}

/** The campaign as the edit form shows it (names resolved by the caller). */
export interface FormInitial {
  campaign: Campaign;
  template: string | null;
  list: string | null;
  include: string[];
  exclude: string[];
  variants: string[];
}

const LAUNCH_OPTIONS = [
  option('Manual (run it by hand)', 'manual'),
  option('Now (sends when run)', 'now'),
  option('Scheduled (date and time)', 'scheduled'),
  option('Recurring (cron)', 'recurring'),
];

/** `--if-late`: what the form offers and shows; the grammar reads `send` as the stored `send_late`. */
const IF_LATE_OPTIONS = [
  option('Send late (default)', 'send'),
  option('Skip that send (a one-off is stopped)', 'skip'),
  option('Hold it and ask in the alerts channel', 'ask'),
];
const TRACKING_OPTIONS = [option('On: open pixel and tracked links (default)', 'on'), option('Off: links as written, no pixel', 'off')];

/** The `--if-late` value that gives a campaign's overdue policy (the form's value for it). */
export function ifLateChoice(policy: Campaign['ifLate']): string {
  return policy === 'send_late' ? 'send' : policy;
}

/** Create or edit a campaign; every field maps to one flag of `/campaign new` / `edit`. */
export function campaignFormView(choices: FormChoices, metadata: ModalMetadata, initial?: FormInitial): ModalView {
  const c = initial?.campaign;
  const zone = c?.timeZone ?? choices.accountTimeZone;
  const sendAt = c?.sendAt ? DateTime.fromJSDate(c.sendAt, { zone }) : null;
  const segmentOptions = choices.segments.map((s) => option(s, s));
  const blocks: (KnownBlock | null)[] = [
    ...(c ? [section(`Editing *${campaignRef(c.id)}* (${c.status}). Only what you change is saved.`)] : []),
    textInput('name', 'Name', { initial: c?.name, optional: !!c }),
    selectInput('channel', 'Channel', (choices.channels ?? ['email', 'sms']).map((name) => option(CHANNEL_LABELS[name] ?? name, name)), { initial: c?.channel ?? 'email', optional: !!c }),
    textInput('description', 'Description', { initial: c?.description, multiline: true }),
    selectInput('template', 'Template', choices.templates.map((t) => option(`${t.name} (${t.channel})`, t.name)), { initial: initial?.template }),
    selectInput('list', 'Audience list', choices.lists.map((l) => option(l, l)), { initial: initial?.list }),
    multiSelectInput('include', 'Send only to segments', segmentOptions, initial?.include ?? []),
    multiSelectInput('exclude', 'Exclude segments', segmentOptions, initial?.exclude ?? []),
    selectInput('launch', 'Launch', LAUNCH_OPTIONS, { initial: c?.launchType ?? 'manual' }),
    {
      type: 'input',
      block_id: 'f_date',
      optional: true,
      label: { type: 'plain_text', text: 'Send date (scheduled)' },
      element: { type: 'datepicker', action_id: 'date', ...(sendAt ? { initial_date: sendAt.toFormat('yyyy-LL-dd') } : {}) },
    },
    {
      type: 'input',
      block_id: 'f_time',
      optional: true,
      label: { type: 'plain_text', text: 'Send time (scheduled)' },
      element: { type: 'timepicker', action_id: 'time', ...(sendAt ? { initial_time: sendAt.toFormat('HH:mm') } : {}) },
    },
    textInput('cron', 'Cron (recurring)', { initial: c?.cron, placeholder: '0 9 * * 1', hint: '5 or 6 fields. Day-of-month and day-of-week must both match (node-cron), unlike POSIX cron.' }),
    textInput('tz', 'Time zone', { initial: zone, placeholder: 'Europe/London' }),
    selectInput('ifLate', 'If Herald was down at the send time', IF_LATE_OPTIONS, {
      initial: ifLateChoice(c?.ifLate ?? 'send_late'),
      hint: 'Scheduled and recurring campaigns: send late, skip the send (a recurring one waits for its next run), or hold it and alert on-call.',
    }),
    textInput('tags', 'Tags', { initial: c?.tags.join(', '), placeholder: 'promo, spring' }),
    textInput('ttl', 'SMS validity (TTL)', { initial: c?.smsTtlSeconds ? `${c.smsTtlSeconds}s` : undefined, placeholder: '4h', hint: '90s, 30m, 4h or 2d; SMS only.' }),
    selectInput('tracking', 'Open and click tracking', TRACKING_OPTIONS, { initial: c && !c.tracking ? 'off' : 'on' }),
    textInput('variants', 'A/B variants', { initial: initial?.variants.join('\n'), multiline: true, placeholder: 'A:Welcome:70\nB:Welcome v2:30', hint: 'One LABEL:TEMPLATE:WEIGHT per line; weights are the ratio.' }),
  ];
  return modal({
    callbackId: VIEWS.campaignForm,
    title: c ? `Edit ${campaignRef(c.id)}` : 'New campaign',
    submit: c ? 'Save' : 'Create',
    close: 'Cancel',
    blocks: blocks.filter((b): b is KnownBlock => b !== null),
    metadata,
  });
}
