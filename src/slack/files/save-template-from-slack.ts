import type { webApi } from '@slack/bolt';
import { errorReply, type Reply } from '../../commands/reply.js';
import { buildUploadCommand, type UploadedText } from '../../commands/upload-commands.js';
import { runCommand } from '../run-command.js';
import type { SlackContext } from '../slack-context.js';
import { FILE_KINDS } from './file-kinds.js';
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
 * Saves template bodies uploaded in Slack (request already acknowledged): each file is downloaded
 * and checked (readSlackTextFile: type, size, UTF-8 text), then the typed `templates upload`
 * command runs through the command layer's entry point (role re-checked there), which gives the
 * text to the domain like any template content (merge fields checked; rendered as a template at
 * send time, never run). The result goes to the person's DM.
 */
export async function saveTemplateFromSlack(ctx: SlackContext, client: webApi.WebClient, req: SlackTemplateUpload): Promise<boolean> {
  const name = 'create' in req.template ? req.template.create : req.template.existing;
  let html: UploadedText | undefined;
  let text: UploadedText | undefined;
  try {
    if (req.htmlFileId) {
      const file = await readSlackTextFile(client, req.htmlFileId, FILE_KINDS.templateHtml);
      html = { fileName: file.info.name, text: file.text };
    }
    if (req.textFileId) {
      const file = await readSlackTextFile(client, req.textFileId, FILE_KINDS.templateText);
      text = { fileName: file.info.name, text: file.text };
    }
  } catch (error) {
    if (!(error instanceof SlackFileRefused)) throw error;
    await tellPerson(client, req.userId, errorReply(`Template "${name}" not saved: ${error.message} The template was not changed.`));
    return false;
  }
  const command = buildUploadCommand('templates upload', {
    templateName: name,
    create: 'create' in req.template,
    ...(req.subject ? { subject: req.subject } : {}),
    ...(html ? { html } : {}),
    ...(text ? { text } : {}),
  });
  const { reply } = await runCommand(ctx, command, req.userId);
  const answer: Reply = reply.ok
    ? reply
    : { ...reply, text: `Template "${name}" not saved. ${reply.text}`, blocks: [{ type: 'text', text: `Template "${name}" not saved. ${reply.text}` }, ...reply.blocks.slice(1)] };
  await tellPerson(client, req.userId, answer);
  return answer.ok;
}
