import { DateTime } from 'luxon';
import { campaignRef, type Campaign } from '../../../domain/campaign/campaign.js';
import { FIELDS, VIEWS } from '../../ids.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { section } from '../reply-blocks.js';
import { modal, plain, textInput, type KnownBlock, type ModalMetadata, type ModalView } from './modal-kit.js';

/**
 * Schedule a ready campaign: once (date and time) or repeatedly (cron), in a time zone; each field
 * maps to one flag of `/campaign schedule`. It starts from what the campaign already says.
 */
export function scheduleFormView(input: { campaign: Campaign; accountTimeZone: string; metadata: ModalMetadata }): ModalView {
  const c = input.campaign;
  const zone = c.timeZone ?? input.accountTimeZone;
  const sendAt = c.sendAt ? DateTime.fromJSDate(c.sendAt, { zone }) : null;
  const blocks: KnownBlock[] = [
    section(`Schedule *${campaignRef(c.id)}* ${escapeMrkdwn(c.name)}: a date and time to send once, or a cron expression to repeat.`),
    {
      type: 'input',
      block_id: FIELDS.date.block,
      optional: true,
      label: plain('Send date (once)', 2000),
      element: { type: 'datepicker', action_id: FIELDS.date.action, ...(sendAt ? { initial_date: sendAt.toFormat('yyyy-LL-dd') } : {}) },
    },
    {
      type: 'input',
      block_id: FIELDS.time.block,
      optional: true,
      label: plain('Send time (once)', 2000),
      element: { type: 'timepicker', action_id: FIELDS.time.action, ...(sendAt ? { initial_time: sendAt.toFormat('HH:mm') } : {}) },
    },
    textInput('cron', 'Cron (repeat)', { initial: c.cron, placeholder: '0 9 * * 1', hint: '5 or 6 fields. Day-of-month and day-of-week must both match (node-cron), unlike POSIX cron.' }),
    textInput('tz', 'Time zone', { initial: zone, placeholder: 'Europe/London' }),
  ];
  return modal({
    callbackId: VIEWS.schedule,
    title: `Schedule ${campaignRef(c.id)}`,
    submit: 'Schedule',
    close: 'Cancel',
    blocks,
    metadata: { ...input.metadata, campaignId: c.id },
  });
}
