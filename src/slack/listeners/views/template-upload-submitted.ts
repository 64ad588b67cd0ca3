import type { Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { channelSpec } from '../../../domain/channels/channel-spec.js';
import { fileWorkingView, submittedFileId, submittedValue } from '../../blocks/modals/file-upload-kit.js';
import { escapeMrkdwn } from '../../blocks/mrkdwn.js';
import { NEW_TEMPLATE } from '../../blocks/modals/template-upload.js';
import { saveTemplateFromSlack, type SlackTemplateUpload } from '../../files/save-template-from-slack.js';
import { FILE_FIELDS, FILE_VIEWS } from '../../ids.js';
import { roleForKey } from '../../../commands/execute.js';
import { hasRole, refusalText } from '../../roles.js';
import type { SlackContext } from '../../slack-context.js';
import { fieldError } from './view-helpers.js';

/**
 * The template upload modal's submit: role, template and files are checked at once against what is
 * stored now (field errors through ack); the downloads and the save run after the ack, and the
 * result goes to the person's DM. A Slack retry of the same submission saves once.
 */
export function templateUploadSubmitted(ctx: SlackContext): Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>> {
  return async ({ body, view, ack, client }) => {
    const userId = body.user.id;
    const role = await ctx.roleOf(userId);
    const needed = roleForKey('templates upload');
    if (!hasRole(role, needed)) return ack(fieldError(FILE_FIELDS.uploadTemplate.block, refusalText(needed, role, 'Uploading a template body')));
    const state = view.state.values;
    const chosen = submittedValue(state, 'uploadTemplate');
    const newName = submittedValue(state, 'uploadName');
    const subject = submittedValue(state, 'uploadSubject');
    const htmlFileId = submittedFileId(state, 'uploadHtml');
    const textFileId = submittedFileId(state, 'uploadText');
    const errors: Record<string, string> = {};
    let template: SlackTemplateUpload['template'] | null = null;
    if (chosen === NEW_TEMPLATE) {
      if (!newName) errors[FILE_FIELDS.uploadName.block] = 'Name the new template.';
      else if (await ctx.deps.templates.findByName(newName)) errors[FILE_FIELDS.uploadName.block] = `A template named "${newName}" already exists: choose it in the list above to give it a new version.`;
      else template = { create: newName };
    } else {
      // Re-read now: the template may have been deleted, or be of another channel, since the modal opened.
      const id = Number(chosen);
      const stored = Number.isInteger(id) && id > 0 ? await ctx.deps.templates.get(id) : null;
      if (!stored || stored.deletedAt) errors[FILE_FIELDS.uploadTemplate.block] = 'That template no longer exists.';
      else {
        if (newName) errors[FILE_FIELDS.uploadName.block] = 'A name is for a new template only; choose "New email template" above, or leave this empty.';
        const content = channelSpec(ctx.deps.config.channels, stored.channel).content;
        if (content !== 'email' && htmlFileId) errors[FILE_FIELDS.uploadHtml.block] = `"${stored.name}" is a template for ${stored.channel}: it takes a plain-text body only.`;
        if (content !== 'email' && subject) errors[FILE_FIELDS.uploadSubject.block] = `"${stored.name}" is a template for ${stored.channel}: it has no subject.`;
        template = { existing: stored.name };
      }
    }
    if (!htmlFileId && !textFileId) errors[FILE_FIELDS.uploadHtml.block] ??= 'Upload an HTML body, a plain-text body or both.';
    if (Object.keys(errors).length || !template) return ack({ response_action: 'errors', errors });

    const key = `view:${view.id}:template-upload`;
    if (!(await ctx.idempotency.claim(key, ctx.deps.clock.now()))) return ack();
    const name = 'create' in template ? template.create : template.existing;
    await ack({
      response_action: 'update',
      view: fileWorkingView({
        callbackId: FILE_VIEWS.templateUpload,
        title: 'Saving template',
        text: `Saving the uploaded ${htmlFileId && textFileId ? 'bodies' : 'body'} to the template *${escapeMrkdwn(name)}*. The result arrives in your messages with Herald (Home → Messages); you can close this.`,
      }),
    });
    let saved = false;
    try {
      saved = await saveTemplateFromSlack(ctx, client, { userId, template, ...(subject ? { subject } : {}), ...(htmlFileId ? { htmlFileId } : {}), ...(textFileId ? { textFileId } : {}) });
    } finally {
      if (saved) await ctx.idempotency.remember(key, { text: `saved template ${name}` });
      else await ctx.idempotency.release(key);
    }
  };
}
