import type { webApi } from '@slack/bolt';
import { appErrorReply } from '../../commands/error-replies.js';
import { errorReply, reply, warnings, type Reply } from '../../commands/reply.js';
import { isAppError } from '../../domain/errors.js';
import { createTemplate, editTemplate } from '../../domain/templates/manage-templates.js';
import type { SlackContext } from '../slack-context.js';
import { FILE_KINDS, formatBytes } from './file-kinds.js';
import { readSlackTextFile } from './read-slack-text-file.js';
import { SlackFileRefused } from './slack-file-refused.js';
import { tellPerson } from './tell-person.js';

export interface SlackTemplateUpload {
  userId: string;
  /** An existing template's name, or the name of a new email template. */
  template: { existing: string } | { create: string };
  subject?: string;
  htmlFileId?: string;
  textFileId?: string;
}

/**
 * Saves template bodies uploaded in Slack (role already checked, request already acknowledged):
 * each file is downloaded and checked (readSlackTextFile: type, size, UTF-8 text), then given to the
 * domain's createTemplate / editTemplate as text, which checks its merge fields like any template
 * (the content is rendered as a template at send time, never run). The result goes to the person's
 * DM. Like importContactsFromSlack, the part to re-wire onto the typed command entry point.
 */
export async function saveTemplateFromSlack(ctx: SlackContext, client: webApi.WebClient, req: SlackTemplateUpload): Promise<boolean> {
  const name = 'create' in req.template ? req.template.create : req.template.existing;
  let html: { name: string; text: string } | undefined;
  let text: { name: string; text: string } | undefined;
  try {
    if (req.htmlFileId) {
      const file = await readSlackTextFile(client, req.htmlFileId, FILE_KINDS.templateHtml);
      html = { name: file.info.name, text: file.text };
    }
    if (req.textFileId) {
      const file = await readSlackTextFile(client, req.textFileId, FILE_KINDS.templateText);
      text = { name: file.info.name, text: file.text };
    }
  } catch (error) {
    if (!(error instanceof SlackFileRefused)) throw error;
    await tellPerson(client, req.userId, errorReply(`Template "${name}" not saved: ${error.message} The template was not changed.`));
    return false;
  }
  const from = [html, text].flatMap((f) => (f ? [`${JSON.stringify(f.name)} (${formatBytes(Buffer.byteLength(f.text))})`] : [])).join(' and ');
  let answer: Reply;
  try {
    const content = { subject: req.subject, html: html?.text, text: text?.text };
    if ('create' in req.template) {
      const template = await createTemplate(ctx.deps, { ...content, name, channel: 'email', actor: req.userId });
      const saved = `Created email template "${template.name}" (version 1) from ${from}.`;
      answer = reply(saved, [{ type: 'text', text: saved }, ...warnings(template.sending.fromEmail ? [] : [`It has no sender yet: set its From address (Home → Templates → Sending details) before a campaign can launch with it.`])]);
    } else {
      const outcome = await editTemplate(ctx.deps, { ...content, name, actor: req.userId });
      const saved = `Saved template "${outcome.template.name}" from ${from}: version ${outcome.template.currentVersion}.`;
      answer = reply(saved, [{ type: 'text', text: saved }, ...warnings(['Campaigns already queued or sent keep the version they were built with.'])]);
    }
  } catch (error) {
    if (!isAppError(error)) throw error;
    const refused = appErrorReply(error);
    answer = { ...refused, text: `Template "${name}" not saved. ${refused.text}`, blocks: [{ type: 'text', text: `Template "${name}" not saved. ${refused.text}` }, ...refused.blocks.slice(1)] };
  }
  await tellPerson(client, req.userId, answer);
  return answer.ok;
}
