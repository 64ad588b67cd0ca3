import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { fileWorkingView, submittedFileId, submittedValue } from '../../blocks/modals/file-upload-kit.js';
import { escapeMrkdwn } from '../../blocks/mrkdwn.js';
import { importContactsFromSlack } from '../../files/import-contacts-from-slack.js';
import { FILE_FIELDS, FILE_VIEWS } from '../../ids.js';
import { roleForKey } from '../../../commands/execute.js';
import { hasRole, refusalText } from '../../roles.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError } from './view-helpers.js';

const LIST_NAME_MAX = 120;

/**
 * The import modal's submit: role and form are checked at once (field errors through ack), then the
 * modal says where the report will arrive and the download and import run after the ack, so Slack's
 * 3 s never wait on a file. A Slack retry of the same submission imports once.
 */
export function contactsImportSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const userId = body.user.id;
    const role = await ctx.roleOf(userId);
    const needed = roleForKey('contacts upload');
    if (!hasRole(role, needed)) return ack(fieldError(FILE_FIELDS.importFile.block, refusalText(needed, role, 'Importing contacts')));
    const state = view.state.values;
    const fileId = submittedFileId(state, 'importFile');
    const existing = submittedValue(state, 'importList');
    const fresh = submittedValue(state, 'importNewList');
    const listBlock = state[FILE_FIELDS.importList.block] ? FILE_FIELDS.importList.block : FILE_FIELDS.importNewList.block;
    const errors: Record<string, string> = {};
    if (!fileId) errors[FILE_FIELDS.importFile.block] = 'Upload a CSV file.';
    if (existing && fresh) errors[FILE_FIELDS.importNewList.block] = 'Choose a list above or name a new one here, not both.';
    else if (!existing && !fresh) errors[listBlock] = 'Choose the list to import into, or name a new one.';
    else if (fresh && fresh.length > LIST_NAME_MAX) errors[FILE_FIELDS.importNewList.block] = `A list name has at most ${LIST_NAME_MAX} characters.`;
    if (Object.keys(errors).length || !fileId) return ack({ response_action: 'errors', errors });
    const listName = (existing ?? fresh)!;

    const key = `view:${view.id}:contacts-import`;
    if (!(await ctx.idempotency.claim(key, ctx.deps.clock.now()))) return ack();
    await ack({
      response_action: 'update',
      view: fileWorkingView({
        callbackId: FILE_VIEWS.contactsImport,
        title: 'Importing contacts',
        text: `Importing your file into the list *${escapeMrkdwn(listName)}*. The report arrives in your messages with Herald (Home → Messages) when it is done; you can close this.`,
      }),
    });
    let imported = false;
    try {
      imported = await importContactsFromSlack(ctx, client, { userId, fileId, listName });
    } finally {
      if (imported) await ctx.idempotency.remember(key, { text: `imported into ${listName}` });
      else await ctx.idempotency.release(key);
    }
  };
}
