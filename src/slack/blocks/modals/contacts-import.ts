import { FILE_KINDS, formatBytes } from '../../files/file-kinds.js';
import { FILE_VIEWS } from '../../ids.js';
import { section } from '../reply-blocks.js';
import { modal, option, type ModalMetadata, type ModalView } from './modal-kit.js';
import { fileInput, uploadSelect, uploadTextInput } from './file-upload-kit.js';

/**
 * Import contacts from a CSV uploaded in Slack into an existing list or a new one. The limit and the
 * expected shape are stated before the person uploads; the listener enforces them.
 */
export function contactsImportView(input: { lists: string[]; metadata: ModalMetadata }): ModalView {
  const limit = formatBytes(FILE_KINDS.contactsCsv.maxBytes);
  const lists = input.lists.map((name) => option(name, name));
  return modal({
    callbackId: FILE_VIEWS.contactsImport,
    title: 'Import contacts',
    submit: 'Import',
    metadata: input.metadata,
    blocks: [
      section(
        `Upload a CSV file (comma-separated, UTF-8, at most ${limit}). Its first line names the columns: *email* and/or *phone* ` +
          '(E.164, like +14155550123), optionally *timezone*; every other column becomes an attribute for merge fields and segments. ' +
          'New contacts are added and existing ones (same email or phone) updated. The report arrives in your messages with Herald, ' +
          'each rejected row with its line, and a file of the rejected rows to fix and upload again.',
      ),
      fileInput('importFile', 'CSV file', { extensions: ['csv'], hint: `At most ${limit}. In Excel: File → Save As → "CSV UTF-8".` }),
      ...(lists.length
        ? [uploadSelect('importList', 'Into the list', lists, { hint: lists.length > 100 ? `Only the first 100 of ${lists.length} lists are listed; type another name below.` : 'Or name a new list below.' })]
        : []),
      uploadTextInput('importNewList', lists.length ? 'Or a new list' : 'Into a new list', { hint: 'Created when the import starts. A list of that name that already exists is used as it is.' }),
    ],
  });
}
