import { checkText, FILE_LIMITS, TEXT_LIMITS } from '../text/limits.js';
import { AppError } from '../errors.js';
import { campaignRef, type Channel } from '../campaign/campaign.js';
import { channelSpec, type ChannelSpec, type ChannelSpecs } from '../channels/channel-spec.js';
import { NOT_YET_LAUNCHED } from '../campaign/campaign-status.js';
import type { CampaignStore } from '../ports/campaign-store.js';
import type { TemplateEngine } from '../ports/template-engine.js';
import type { TemplateStore } from '../ports/template-store.js';
import type { SendingDetails, Template, TemplateContent } from './template.js';
import { EMPTY_SENDING } from './template.js';

export interface TemplateDeps {
  templates: TemplateStore;
  campaigns: CampaignStore;
  templateEngine: TemplateEngine;
  config: { channels: ChannelSpecs };
}

export interface TemplateInput {
  subject?: string;
  html?: string;
  text?: string;
  fromName?: string;
  fromEmail?: string;
  replyTo?: string;
  smsSender?: string;
}

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;
const SMS_SENDER = /^(\+[1-9]\d{7,14}|[A-Za-z0-9 ]{1,11}|MG[0-9a-f]{32})$/;
/** GSM-7 single SMS is 160 characters; Twilio accepts up to 1,600 (10 segments). */
const SMS_MAX = 1600;

/** `templates create`: version 1 of the content plus the sending details. */
export async function createTemplate(deps: TemplateDeps, input: TemplateInput & { name: string; channel: Channel; actor: string }): Promise<Template> {
  const name = input.name.trim();
  if (!name) throw new AppError('INVALID_INPUT', 'A template needs a name.');
  checkText('The template name', name, TEXT_LIMITS.name, 'templateName');
  if (await deps.templates.findByName(name)) throw new AppError('ALREADY_EXISTS', `A template named "${name}" already exists: edit it instead.`, { field: 'templateName' });
  const channel = channelSpec(deps.config.channels, input.channel);
  const content = checkContent(deps, channel, { subject: input.subject ?? null, html: input.html ?? null, text: input.text ?? '' });
  const sending = checkSending(channel, { ...EMPTY_SENDING, ...definedSending(input) });
  return deps.templates.create({ name, channel: channel.name, content, sending, createdBy: input.actor });
}

export interface TemplateEditOutcome {
  template: Template;
  /** Present when sending details changed: the not-yet-launched campaigns the change reaches. */
  affectedCampaigns?: string[];
  newVersion: boolean;
}

/**
 * `templates edit`: content changes write a new version (runs keep the version they sent); sending
 * details apply to every future campaign using the template, so the first call without `confirm`
 * says which campaigns that is and saves nothing (seed 000).
 */
export async function editTemplate(deps: TemplateDeps, input: TemplateInput & { name: string; actor: string; confirm?: boolean }): Promise<TemplateEditOutcome> {
  const template = await deps.templates.findByName(input.name);
  if (!template) throw new AppError('NOT_FOUND', `No template named "${input.name}".`);
  const contentChange = input.subject !== undefined || input.html !== undefined || input.text !== undefined;
  const sendingPatch = definedSending(input);
  const sendingChange = Object.entries(sendingPatch).some(([k, v]) => template.sending[k as keyof SendingDetails] !== v);
  if (!contentChange && !sendingChange) throw new AppError('INVALID_INPUT', 'Nothing to change: give new content or sending details.');
  const content = contentChange
    ? checkContent(deps, channelSpec(deps.config.channels, template.channel), {
        subject: input.subject ?? template.content.subject,
        html: input.html ?? template.content.html,
        text: input.text ?? template.content.text,
      })
    : undefined;
  const sending = sendingChange ? checkSending(channelSpec(deps.config.channels, template.channel), { ...template.sending, ...sendingPatch }) : undefined;
  let affected: string[] | undefined;
  if (sending) {
    affected = (await deps.campaigns.campaignsUsing({ templateId: template.id }, NOT_YET_LAUNCHED)).map((c) => `${campaignRef(c.id)} "${c.name}"`);
    if (!input.confirm) {
      throw new AppError(
        'CONFIRMATION_REQUIRED',
        `Sending details live on the template: this change applies to every future campaign using "${template.name}"` +
          (affected.length ? ` — ${affected.length} now: ${affected.join(', ')}` : ' (none yet)') +
          `. Nothing was saved until it is confirmed.`,
        { affected, field: 'confirm' },
      );
    }
  }
  const updated = await deps.templates.update(template.id, { content, sending, actor: input.actor });
  return { template: updated, affectedCampaigns: affected, newVersion: content !== undefined };
}

function definedSending(input: TemplateInput): Partial<SendingDetails> {
  const out: Partial<SendingDetails> = {};
  if (input.fromName !== undefined) out.fromName = input.fromName.trim() || null;
  if (input.fromEmail !== undefined) out.fromEmail = input.fromEmail.trim().toLowerCase() || null;
  if (input.replyTo !== undefined) out.replyTo = input.replyTo.trim().toLowerCase() || null;
  if (input.smsSender !== undefined) out.smsSender = input.smsSender.trim() || null;
  return out;
}

function checkSending(channel: ChannelSpec, s: SendingDetails): SendingDetails {
  if (s.fromEmail && !EMAIL.test(s.fromEmail)) throw new AppError('INVALID_INPUT', `The from address "${s.fromEmail}" is not an email address.`, { field: 'fromEmail' });
  if (s.replyTo && !EMAIL.test(s.replyTo)) throw new AppError('INVALID_INPUT', `The reply-to address "${s.replyTo}" is not an email address.`, { field: 'replyTo' });
  if (s.smsSender && !SMS_SENDER.test(s.smsSender)) {
    throw new AppError('INVALID_INPUT', `The SMS sender "${s.smsSender}" must be an E.164 number (+14155550123), an alphanumeric id of up to 11 characters, or a Messaging Service SID (MG…).`, { field: 'smsSender' });
  }
  if (channel.sender !== 'email' && (s.fromEmail || s.replyTo || s.fromName)) {
    throw new AppError('INVALID_INPUT', `${channel.name === 'sms' ? 'SMS' : `"${channel.name}"`} templates take ${channel.sender === 'sms' ? 'an SMS sender' : 'no sending details'}, not email sending details.`, { field: s.fromEmail ? 'fromEmail' : s.replyTo ? 'replyTo' : 'fromName' });
  }
  if (channel.sender !== 'sms' && s.smsSender) {
    throw new AppError('INVALID_INPUT', `${channel.name === 'email' ? 'Email' : `"${channel.name}"`} templates take ${channel.sender === 'email' ? 'a from address, from name and reply-to' : 'no sending details'}, not an SMS sender.`, { field: 'smsSender' });
  }
  return s;
}

function checkContent(deps: TemplateDeps, channel: ChannelSpec, c: TemplateContent): TemplateContent {
  const label = channel.name === 'sms' ? 'An SMS' : channel.name === 'email' ? 'An email' : `A "${channel.name}"`;
  if (!c.text.trim() && !(channel.content === 'email' && c.html?.trim())) {
    throw new AppError('INVALID_INPUT', channel.content === 'email' ? `${label} template needs a text or an HTML body.` : `${label} template needs a text body.`, { field: 'text' });
  }
  if (channel.content === 'text') {
    if (c.subject || c.html) throw new AppError('INVALID_INPUT', `${label.replace(/^An? /, '')} templates have a text body only (no subject or HTML body).`, { field: c.subject ? 'subject' : 'html' });
    if (channel.segmented && c.text.length > SMS_MAX) throw new AppError('INVALID_INPUT', `The SMS body is ${c.text.length} characters; at most ${SMS_MAX} (10 segments).`, { field: 'text' });
  }
  const utf8 = new TextEncoder();
  for (const [field, label, source, max] of [['subject', 'The subject', c.subject, TEXT_LIMITS.line], ['html', 'The HTML body', c.html, Number.POSITIVE_INFINITY], ['text', 'The text body', c.text, Number.POSITIVE_INFINITY]] as const) {
    if (source) checkText(label, source, max, field);
  }
  for (const [field, label, source, maxBytes] of [['html', 'The HTML body', c.html, FILE_LIMITS.html], ['text', 'The text body', c.text, FILE_LIMITS.text]] as const) {
    const bytes = source ? utf8.encode(source).length : 0;
    if (bytes > maxBytes) throw new AppError('INVALID_INPUT', `${label} is ${bytes} bytes; at most ${maxBytes} (${maxBytes / 1000} KB).`, { field });
  }
  for (const [field, label, source] of [['subject', 'The subject', c.subject], ['html', 'The HTML body', c.html], ['text', 'The text body', c.text]] as const) {
    const problem = source ? deps.templateEngine.check(source) : null;
    if (problem) throw new AppError('INVALID_INPUT', `${label} has a merge-field error: ${problem}.`, { field });
  }
  return c;
}

/** `templates delete`: refused while a not-yet-launched campaign still uses it (it would fail at launch). */
export async function deleteTemplate(deps: TemplateDeps, input: { name: string }): Promise<string> {
  const template = await deps.templates.findByName(input.name);
  if (!template) throw new AppError('NOT_FOUND', `No template named "${input.name}".`);
  const users = await deps.campaigns.campaignsUsing({ templateId: template.id }, NOT_YET_LAUNCHED);
  if (users.length > 0) {
    throw new AppError(
      'IN_USE',
      `Template "${template.name}" is used by ${users.map((c) => `${campaignRef(c.id)} "${c.name}"`).join(', ')}. Give them another template first.`,
      { field: 'templateName' },
    );
  }
  await deps.templates.softDelete(template.id);
  return template.name;
}
