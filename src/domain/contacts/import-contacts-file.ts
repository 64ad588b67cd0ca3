import type { ContactStore } from '../ports/contact-store.js';
import type { ContactsFileFormat, RejectedRowsFile, RereadableBytes } from '../ports/contacts-file-format.js';
import { importContacts, type ImportReport } from './import-contacts.js';

export interface ContactsFileImport {
  report: ImportReport;
  /** null when no row was rejected. Holds the rows `report.rejected` lists (capped like it). */
  rejectedRows: RejectedRowsFile | null;
}

/**
 * Imports a contacts file whose bytes came from elsewhere (a Slack upload): the same importer as
 * `contacts import`, then, when rows were rejected, a second read of the same bytes picks those rows
 * out as a file the person can fix and import again. The bytes are read as data only: the format
 * adapter parses them, nothing in them is run or opened.
 */
export async function importContactsFile(
  input: { file: RereadableBytes; listName: string; actor: string },
  deps: { contacts: ContactStore; contactsFiles: ContactsFileFormat },
): Promise<ContactsFileImport> {
  const report = await importContacts({ rows: deps.contactsFiles.read(input.file.open()), listName: input.listName, actor: input.actor }, deps);
  const rejectedRows = report.rejected.length > 0 ? await deps.contactsFiles.rejectedRows(input.file.open(), report.rejected) : null;
  return { report, rejectedRows };
}
