import type { webApi } from '@slack/bolt';
import { roleForKey } from '../../commands/execute.js';
import { errorReply } from '../../commands/reply.js';
import { contactsImportView } from '../blocks/modals/contacts-import.js';
import type { ModalMetadata } from '../blocks/modals/modal-kit.js';
import { templateUploadView } from '../blocks/modals/template-upload.js';
import type { OpenRequest, OpenResult } from '../open-modals.js';
import { hasRole, refusalText } from '../roles.js';
import type { SlackContext } from '../slack-context.js';

/** Uploading files changes contacts and templates: the role of the upload command (the handler table's). */
async function refusal(ctx: SlackContext, userId: string, key: 'contacts upload' | 'templates upload', what: string): Promise<OpenResult | null> {
  const role = await ctx.roleOf(userId);
  const needed = roleForKey(key);
  return hasRole(role, needed) ? null : { reply: errorReply(refusalText(needed, role, what)), skipped: 'forbidden' };
}

function metadataOf(req: OpenRequest): ModalMetadata {
  return req.origin.channelId ? { channelId: req.origin.channelId } : {};
}

export async function openContactsImport(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest): Promise<OpenResult> {
  const refused = await refusal(ctx, req.userId, 'contacts upload', 'Importing contacts');
  if (refused) return refused;
  const lists = await ctx.deps.contacts.listLists();
  await client.views.open({ trigger_id: req.triggerId, view: contactsImportView({ lists: lists.map((l) => l.name), metadata: metadataOf(req) }) });
  return 'opened';
}

export async function openTemplateUpload(ctx: SlackContext, client: webApi.WebClient, req: OpenRequest & { templateName?: string }): Promise<OpenResult> {
  const refused = await refusal(ctx, req.userId, 'templates upload', 'Uploading a template body');
  if (refused) return refused;
  const templates = await ctx.deps.templates.list();
  const initial = req.templateName ? templates.find((t) => t.name.toLowerCase() === req.templateName!.toLowerCase()) : undefined;
  if (req.templateName && !initial) return { reply: errorReply(`Not found: no template named "${req.templateName}". Type /campaign templates upload alone to pick one or create one.`) };
  const view = templateUploadView({ templates: templates.map((t) => ({ id: t.id, name: t.name, channel: t.channel })), initialTemplateId: initial?.id, metadata: metadataOf(req) });
  await client.views.open({ trigger_id: req.triggerId, view });
  return 'opened';
}

const CONTACTS_IMPORT_ALONE = /^\s*contacts\s+import\s*$/i;
const TEMPLATES_UPLOAD = /^\s*templates\s+upload(?:\s+(?:"([^"]*)"|(.+?)))?\s*$/i;

/**
 * The slash-command lines that open an upload modal: `contacts import` with no path (a path is
 * a file on Herald's server: admin-only, run by the command layer) and `templates upload [NAME]`.
 * null for every other line.
 */
export async function openFileModalFor(ctx: SlackContext, client: webApi.WebClient, text: string, req: OpenRequest): Promise<OpenResult | null> {
  if (CONTACTS_IMPORT_ALONE.test(text)) return openContactsImport(ctx, client, req);
  const upload = TEMPLATES_UPLOAD.exec(text);
  if (upload) {
    const name = (upload[1] ?? upload[2])?.trim();
    return openTemplateUpload(ctx, client, { ...req, ...(name ? { templateName: name } : {}) });
  }
  return null;
}
