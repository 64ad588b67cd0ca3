import type { types } from '@slack/bolt';
import { FILE_FIELDS, type FileFieldName } from '../../ids.js';
import { LIMITS } from '../mrkdwn.js';
import { inputBlock, plain, type KnownBlock, type ModalView } from './modal-kit.js';
import { section } from '../reply-blocks.js';

/**
 * Inputs of the upload modals (their ids live in FILE_FIELDS). Slack's `filetypes` only steers the
 * file picker; the listener checks the file again, from what Slack says of it and from its bytes.
 */
export function fileInput(field: FileFieldName, label: string, opts: { extensions: string[]; optional?: boolean; hint?: string }): KnownBlock {
  const f = FILE_FIELDS[field];
  return inputBlock(f.block, label, { optional: opts.optional ?? false, hint: opts.hint }, { type: 'file_input', action_id: f.action, filetypes: opts.extensions, max_files: 1 });
}

export function uploadTextInput(field: FileFieldName, label: string, opts: { optional?: boolean; hint?: string; placeholder?: string } = {}): KnownBlock {
  const f = FILE_FIELDS[field];
  return inputBlock(f.block, label, { optional: opts.optional ?? true, hint: opts.hint }, {
    type: 'plain_text_input',
    action_id: f.action,
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder, 150) } : {}),
  });
}

export function uploadSelect(field: FileFieldName, label: string, options: types.PlainTextOption[], opts: { optional?: boolean; hint?: string; initial?: string } = {}): KnownBlock {
  const f = FILE_FIELDS[field];
  const shown = options.slice(0, LIMITS.selectOptions);
  const initial = shown.find((o) => o.value === opts.initial);
  return inputBlock(f.block, label, { optional: opts.optional ?? true, hint: opts.hint }, {
    type: 'static_select',
    action_id: f.action,
    options: shown,
    ...(initial ? { initial_option: initial } : {}),
  });
}

/** What the modal turns into on submit while the download and the work run: where the result will arrive. */
export function fileWorkingView(input: { callbackId: string; title: string; text: string }): ModalView {
  return {
    type: 'modal',
    callback_id: input.callbackId,
    title: plain(input.title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: [section(input.text)],
  };
}

/** The file a submitted file_input holds (its id only: everything else is asked of Slack). */
export function submittedFileId(state: Record<string, Record<string, { files?: { id?: unknown }[] } | undefined> | undefined>, field: FileFieldName): string | undefined {
  const f = FILE_FIELDS[field];
  const id = state[f.block]?.[f.action]?.files?.[0]?.id;
  return typeof id === 'string' && id ? id : undefined;
}

/** A submitted text input or select, trimmed; undefined when empty. */
export function submittedValue(
  state: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null } | undefined> | undefined>,
  field: FileFieldName,
): string | undefined {
  const f = FILE_FIELDS[field];
  const v = state[f.block]?.[f.action];
  const value = (v?.value ?? v?.selected_option?.value ?? '').trim();
  return value || undefined;
}
