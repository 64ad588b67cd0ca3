import type { types } from '@slack/bolt';
import { FIELDS, type FieldName } from '../../ids.js';
import { cut, LIMITS } from '../mrkdwn.js';

export type ModalView = types.ModalView;
export type KnownBlock = types.KnownBlock;
type PlainTextOption = types.PlainTextOption;

/**
 * What a modal remembers between open and submit: ids only (where to answer, which campaign or
 * template) and the version it was opened on. Nothing else: on submit the listener re-reads what
 * the ids name and re-checks role and status; it is never used to decide who may do what.
 */
export interface ModalMetadata {
  campaignId?: number;
  templateId?: number;
  /** A tracked link of the campaign (the link edit modal). */
  linkId?: number;
  channelId?: string;
  messageTs?: string;
  /** The campaign's version when an edit form was opened: a submission made on another one is refused. */
  version?: number;
}

const SLACK_ID = /^[A-Z0-9]{1,20}$/;
const TS = /^\d{1,12}\.\d{1,8}$/;

export function encodeMetadata(m: ModalMetadata): string {
  return cut(JSON.stringify(m), LIMITS.privateMetadata);
}

/** Reads private_metadata back, keeping only well-formed ids. */
export function decodeMetadata(text: string | undefined): ModalMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text || '{}');
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object') return {};
  const r = raw as Record<string, unknown>;
  const out: ModalMetadata = {};
  if (Number.isInteger(r.campaignId) && (r.campaignId as number) > 0) out.campaignId = r.campaignId as number;
  if (Number.isInteger(r.templateId) && (r.templateId as number) > 0) out.templateId = r.templateId as number;
  if (Number.isInteger(r.linkId) && (r.linkId as number) > 0) out.linkId = r.linkId as number;
  if (typeof r.channelId === 'string' && SLACK_ID.test(r.channelId)) out.channelId = r.channelId;
  if (typeof r.messageTs === 'string' && TS.test(r.messageTs)) out.messageTs = r.messageTs;
  if (Number.isInteger(r.version) && (r.version as number) > 0) out.version = r.version as number;
  return out;
}

export function plain(text: string, max: number = LIMITS.sectionText): types.PlainTextElement {
  return { type: 'plain_text', text: cut(text, max), emoji: true };
}

export function option(label: string, value: string): PlainTextOption {
  return { text: plain(label, LIMITS.optionText), value: cut(value, 150) };
}

export function modal(input: { callbackId: string; title: string; submit?: string; close?: string; blocks: KnownBlock[]; metadata: ModalMetadata }): ModalView {
  return {
    type: 'modal',
    callback_id: input.callbackId,
    title: plain(input.title, LIMITS.modalTitle),
    ...(input.submit ? { submit: plain(input.submit, LIMITS.modalButton) } : {}),
    close: plain(input.close ?? 'Close', LIMITS.modalButton),
    blocks: input.blocks.slice(0, LIMITS.viewBlocks),
    private_metadata: encodeMetadata(input.metadata),
  };
}

/**
 * The shell every modal input shares: its block id (errors are reported against it), whether it
 * may be left empty, its label and hint within Slack's limits, and the element it holds.
 */
export function inputBlock(blockId: string, label: string, opts: { optional: boolean; hint?: string | undefined }, element: types.InputBlock['element']): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional: opts.optional,
    label: plain(label, 2000),
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element,
  };
}

export function textInput(field: FieldName, label: string, opts: { initial?: string | null; optional?: boolean; multiline?: boolean; placeholder?: string; hint?: string } = {}): KnownBlock {
  const f = FIELDS[field];
  return inputBlock(f.block, label, { optional: opts.optional ?? true, hint: opts.hint }, {
    type: 'plain_text_input',
    action_id: f.action,
    multiline: opts.multiline ?? false,
    ...(opts.initial ? { initial_value: opts.initial } : {}),
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder, 150) } : {}),
  });
}

/** A single select; options beyond Slack's 100 are left out (the hint says how to reach them). */
export function selectInput(field: FieldName, label: string, options: PlainTextOption[], opts: { initial?: string | null; optional?: boolean; hint?: string } = {}): KnownBlock {
  const f = FIELDS[field];
  const shown = options.slice(0, LIMITS.selectOptions);
  const initial = shown.find((o) => o.value === opts.initial);
  const hint = options.length > shown.length ? `${opts.hint ? `${opts.hint} ` : ''}Only the first ${shown.length} of ${options.length} are listed; use /campaign edit for others.` : opts.hint;
  return inputBlock(
    f.block,
    label,
    { optional: opts.optional ?? true, hint },
    shown.length === 0
      ? { type: 'plain_text_input', action_id: f.action, placeholder: plain('none exist yet', 150) }
      : { type: 'static_select', action_id: f.action, options: shown, ...(initial ? { initial_option: initial } : {}) },
  );
}

export function multiSelectInput(field: FieldName, label: string, options: PlainTextOption[], initial: string[]): KnownBlock | null {
  if (options.length === 0) return null;
  const f = FIELDS[field];
  const shown = options.slice(0, LIMITS.selectOptions);
  const initials = shown.filter((o) => initial.includes(o.value ?? ''));
  return inputBlock(f.block, label, { optional: true }, { type: 'multi_static_select', action_id: f.action, options: shown, ...(initials.length ? { initial_options: initials } : {}) });
}

/** Values of a submitted view, by field name (text, selected option value, date, time or list). */
export type ViewState = Record<string, Record<string, { type: string; value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[]; selected_date?: string | null; selected_time?: string | null }>>;

export function readField(state: ViewState, field: FieldName): string | undefined {
  const f = FIELDS[field];
  const v = state[f.block]?.[f.action];
  if (!v) return undefined;
  const value = v.value ?? v.selected_option?.value ?? v.selected_date ?? v.selected_time ?? undefined;
  return value === null || value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readMulti(state: ViewState, field: FieldName): string[] | undefined {
  const f = FIELDS[field];
  const v = state[f.block]?.[f.action];
  return v?.selected_options?.map((o) => o.value);
}
