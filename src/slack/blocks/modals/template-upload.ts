import { FILE_KINDS, formatBytes } from '../../files/file-kinds.js';
import { FILE_VIEWS } from '../../ids.js';
import { section } from '../reply-blocks.js';
import { modal, option, type ModalMetadata, type ModalView } from './modal-kit.js';
import { fileInput, uploadSelect, uploadTextInput } from './file-upload-kit.js';

/** The select's value for "create a new email template from these files". */
export const NEW_TEMPLATE = 'new';

/**
 * Template bodies from files: an HTML body, a plain-text body or both, into an existing template
 * (a new version) or a new email template.
 */
export function templateUploadView(input: { templates: { id: number; name: string; channel: string }[]; initialTemplateId?: number; metadata: ModalMetadata }): ModalView {
  const html = formatBytes(FILE_KINDS.templateHtml.maxBytes);
  const text = formatBytes(FILE_KINDS.templateText.maxBytes);
  const options = [option('New email template', NEW_TEMPLATE), ...input.templates.map((t) => option(`${t.name} (${t.channel})`, String(t.id)))];
  return modal({
    callbackId: FILE_VIEWS.templateUpload,
    title: 'Template from files',
    submit: 'Save',
    metadata: input.metadata,
    blocks: [
      section(
        `Upload the body of an email as HTML (at most ${html}) and/or plain text (at most ${text}), both UTF-8; merge fields ` +
          'such as {{ first_name }} work as in any template. An existing template gets a new version (campaigns already queued ' +
          'or sent keep theirs); SMS templates take a plain-text body only. The result arrives in your messages with Herald.',
      ),
      uploadSelect('uploadTemplate', 'Template', options, {
        optional: false,
        initial: input.initialTemplateId !== undefined ? String(input.initialTemplateId) : undefined,
        hint: options.length > 100 ? `Only the first 99 of ${input.templates.length} templates are listed; /campaign templates edit reaches the others.` : undefined,
      }),
      uploadTextInput('uploadName', 'Name (new template only)'),
      uploadTextInput('uploadSubject', 'Subject', { hint: 'Email only. Leave it empty to keep the current subject.' }),
      fileInput('uploadHtml', 'HTML body', { extensions: ['html', 'htm'], optional: true, hint: `An .html file, at most ${html}.` }),
      fileInput('uploadText', 'Plain-text body', { extensions: ['txt'], optional: true, hint: `A .txt file, at most ${text}. Without one, email gets a text part made from the HTML.` }),
    ],
  });
}
