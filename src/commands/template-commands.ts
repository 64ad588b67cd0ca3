import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import { AppError } from '../domain/errors.js';
import type { LocalFiles } from '../domain/ports/local-files.js';
import { FILE_LIMITS } from '../domain/text/limits.js';
import { createTemplate, deleteTemplate, editTemplate, type TemplateInput } from '../domain/templates/manage-templates.js';
import type { Template } from '../domain/templates/template.js';
import type { Command } from './grammar/commands.js';
import { formatTime, truncate, usedBy } from './render-campaign.js';
import { reply, warnings, type Reply, type ReplyBlock } from './reply.js';

type Templates = Extract<Command, { name: 'templates' }>;
type Of<A extends Templates['action']> = Extract<Templates, { action: A }>;

/** `--html-file` / `--text-file` are read here, at the edge of the domain, within the upload limits: the domain only sees text. */
async function contentInput(
  files: LocalFiles,
  cmd: { subject?: string; html?: string; htmlFile?: string; text?: string; textFile?: string; fromName?: string; fromEmail?: string; replyTo?: string; smsSender?: string },
): Promise<TemplateInput> {
  return {
    subject: cmd.subject,
    html: cmd.htmlFile !== undefined ? await files.readText(cmd.htmlFile, 'htmlFile', { maxBytes: FILE_LIMITS.html, what: 'an HTML body' }) : cmd.html,
    text: cmd.textFile !== undefined ? await files.readText(cmd.textFile, 'textFile', { maxBytes: FILE_LIMITS.text, what: 'a text body' }) : cmd.text,
    fromName: cmd.fromName,
    fromEmail: cmd.fromEmail,
    replyTo: cmd.replyTo,
    smsSender: cmd.smsSender,
  };
}

function templateCard(t: Template, zone: string): ReplyBlock[] {
  const fields: [string, string][] = [
    ['Channel', t.channel],
    ['Version', String(t.currentVersion)],
  ];
  if (t.channel === 'email') {
    fields.push(['From', t.sending.fromEmail ? `${t.sending.fromName ? `${t.sending.fromName} ` : ''}<${t.sending.fromEmail}>` : '— (needed to launch)']);
    if (t.sending.replyTo) fields.push(['Reply-To', t.sending.replyTo]);
    fields.push(['Subject', t.content.subject ?? '— (needed to launch)']);
  } else if (t.channel === 'sms') {
    fields.push(['SMS sender', t.sending.smsSender ?? '— (default from TWILIO_FROM / TWILIO_MESSAGING_SERVICE_SID)']);
  }
  fields.push(['Updated', formatTime(t.updatedAt, zone)]);
  const blocks: ReplyBlock[] = [{ type: 'header', text: `Template "${t.name}"` }, { type: 'fields', fields }];
  if (t.content.text) blocks.push({ type: 'text', text: `Text:\n${t.content.text}` });
  if (t.content.html) blocks.push({ type: 'text', text: `HTML:\n${truncate(t.content.html, 2500)}` });
  return blocks;
}

export const templateCommands = {
  async list(deps: CampaignDeps): Promise<Reply> {
    const templates = await deps.templates.list();
    if (templates.length === 0) return reply('No templates yet. Create one: /campaign templates create "Welcome" --channel email --subject "Hi {{ first_name }}" --text "…" --from-email news@example.com');
    return reply(`${templates.length} templates`, [
      { type: 'header', text: 'Templates' },
      {
        type: 'table',
        columns: ['Name', 'Channel', 'Version', 'Sender', 'Subject / text'],
        rows: templates.map((t) => [
          t.name,
          t.channel,
          `v${t.currentVersion}`,
          (t.channel === 'email' ? t.sending.fromEmail : t.sending.smsSender) ?? '—',
          truncate((t.content.subject ?? t.content.text).replace(/\s+/g, ' '), 50),
        ]),
      },
    ]);
  },

  async create(deps: CampaignDeps, cmd: Of<'create'>, actor: string, files: LocalFiles): Promise<Reply> {
    const template = await createTemplate(deps, { ...(await contentInput(files, cmd)), name: cmd.templateName, channel: cmd.channel, actor });
    return reply(`Created template "${template.name}" (${template.channel}, version 1).`, [
      { type: 'text', text: `Created template "${template.name}" (${template.channel}, version 1).` },
      ...templateCard(template, deps.config.accountTimeZone),
    ]);
  },

  async show(deps: CampaignDeps, cmd: Of<'show'>): Promise<Reply> {
    const template = await deps.templates.findByName(cmd.templateName);
    if (!template) throw new AppError('NOT_FOUND', `No template named "${cmd.templateName}".`);
    return reply(`Template "${template.name}"`, [
      ...templateCard(template, deps.config.accountTimeZone),
      usedBy(await deps.campaigns.campaignsUsing({ templateId: template.id })),
    ]);
  },

  async edit(deps: CampaignDeps, cmd: Of<'edit'>, actor: string, files: LocalFiles): Promise<Reply> {
    const outcome = await editTemplate(deps, { ...(await contentInput(files, cmd)), name: cmd.templateName, actor, confirm: cmd.confirm });
    const notes: string[] = [];
    if (outcome.newVersion) notes.push(`Content saved as version ${outcome.template.currentVersion}; queued and sent runs keep the version they were built with.`);
    if (outcome.affectedCampaigns) {
      notes.push(
        `Sending details changed for every future campaign using it${outcome.affectedCampaigns.length ? `: ${outcome.affectedCampaigns.join(', ')}` : ' (none yet)'}.`,
      );
    }
    return reply(`Saved template "${outcome.template.name}".`, [
      { type: 'text', text: `Saved template "${outcome.template.name}".` },
      ...warnings(notes),
      ...templateCard(outcome.template, deps.config.accountTimeZone),
    ]);
  },

  async delete(deps: CampaignDeps, cmd: Of<'delete'>): Promise<Reply> {
    const name = await deleteTemplate(deps, { name: cmd.templateName });
    return reply(`Deleted template "${name}". Runs that used it keep their snapshot.`);
  },
};
