import { z } from 'zod';
import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import { importContactsFile } from '../domain/contacts/import-contacts-file.js';
import type { RereadableBytes } from '../domain/ports/contacts-file-format.js';
import { createTemplate, editTemplate } from '../domain/templates/manage-templates.js';
import { textSchema } from './grammar/schemas/values.js';
import { importReportReply } from './import-report-reply.js';
import { reply, warnings, type Reply } from './reply.js';

/**
 * Commands that only an edge holding a file's bytes can give (a Slack upload): they have no text
 * form in the grammar, because a path typed into a command names a file on Herald's own server,
 * which is another, admin-only command (`contacts import PATH`, `--html-file`). Their values are
 * checked by the grammar's value schemas like every other command's.
 */

/** A body read from an uploaded file: its text and the file's name (for the reply). */
export interface UploadedText {
  fileName: string;
  text: string;
}

const bytesSchema = z.custom<RereadableBytes>((value) => typeof (value as RereadableBytes | null)?.open === 'function', 'must be a file');
const uploadedTextSchema = z.object({ fileName: z.string(), text: z.string() });

export const contactsUploadSchema = z.object({
  name: z.literal('contacts'),
  action: z.literal('upload'),
  list: textSchema,
  fileName: z.string(),
  file: bytesSchema,
});

export const templatesUploadSchema = z.object({
  name: z.literal('templates'),
  action: z.literal('upload'),
  templateName: textSchema,
  /** A new email template of that name, or a new version of the existing one. */
  create: z.boolean(),
  subject: textSchema.optional(),
  html: uploadedTextSchema.optional(),
  text: uploadedTextSchema.optional(),
});

export type ContactsUploadCommand = z.output<typeof contactsUploadSchema>;
export type TemplatesUploadCommand = z.output<typeof templatesUploadSchema>;
export type UploadCommand = ContactsUploadCommand | TemplatesUploadCommand;

const SCHEMAS = { 'contacts upload': contactsUploadSchema, 'templates upload': templatesUploadSchema } as const;
export type UploadKey = keyof typeof SCHEMAS;

/** An upload command from what the edge holds; throws a ZodError naming the field of each refused value. */
export function buildUploadCommand<K extends UploadKey>(key: K, input: Omit<z.input<(typeof SCHEMAS)[K]>, 'name' | 'action'>): z.output<(typeof SCHEMAS)[K]> {
  const [name, action] = key.split(' ');
  return SCHEMAS[key].parse({ ...input, name, action }) as z.output<(typeof SCHEMAS)[K]>;
}

/** `contacts.csv` -> `contacts-rejected.csv`, in characters any system takes. */
export function rejectedFileName(name: string): string {
  const base = name.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 80) || 'contacts';
  return `${base}-rejected.csv`;
}

export const uploadCommands = {
  /** The same importer as `contacts import`; the rejected rows come back as a file with the report. */
  async contacts(deps: CampaignDeps, cmd: ContactsUploadCommand, actor: string): Promise<Reply> {
    const { report, rejectedRows } = await importContactsFile({ file: cmd.file, listName: cmd.list, actor }, { contacts: deps.contacts, contactsFiles: deps.contactsFiles });
    const name = rejectedFileName(cmd.fileName);
    const answer = importReportReply(report, cmd.fileName, rejectedRows ? { name, rows: rejectedRows.rows } : undefined);
    if (!rejectedRows) return answer;
    return {
      ...answer,
      files: [
        {
          name,
          title: `Rejected rows of ${cmd.fileName}`,
          content: rejectedRows.content,
          comment: `${rejectedRows.rows} rejected ${rejectedRows.rows === 1 ? 'row' : 'rows'} of ${cmd.fileName}, each after its line and reason.`,
        },
      ],
    };
  },

  /** Bodies from files into a new email template or a new version of an existing one. */
  async templates(deps: CampaignDeps, cmd: TemplatesUploadCommand, actor: string): Promise<Reply> {
    const from = [cmd.html, cmd.text].flatMap((f) => (f ? [`${JSON.stringify(f.fileName)} (${formatSize(Buffer.byteLength(f.text))})`] : [])).join(' and ');
    const content = { subject: cmd.subject, html: cmd.html?.text, text: cmd.text?.text };
    if (cmd.create) {
      const template = await createTemplate(deps, { ...content, name: cmd.templateName, channel: 'email', actor });
      const saved = `Created email template "${template.name}" (version 1) from ${from}.`;
      return reply(saved, [{ type: 'text', text: saved }, ...warnings(template.sending.fromEmail ? [] : ['It has no sender yet: give it a From address (its sending details) before a campaign can launch with it.'])]);
    }
    const outcome = await editTemplate(deps, { ...content, name: cmd.templateName, actor });
    const saved = `Saved template "${outcome.template.name}" from ${from}: version ${outcome.template.currentVersion}.`;
    return reply(saved, [{ type: 'text', text: saved }, ...warnings(['Campaigns already queued or sent keep the version they were built with.'])]);
  },
};

/** Decimal units, as Slack and the Finder show file sizes ("1.2 KB", "500 KB", "812 bytes"). */
function formatSize(bytes: number): string {
  const trim = (n: number) => (n >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, ''));
  if (bytes >= 1_000_000) return `${trim(bytes / 1_000_000)} MB`;
  if (bytes >= 1_000) return `${trim(bytes / 1_000)} KB`;
  return `${bytes} bytes`;
}
