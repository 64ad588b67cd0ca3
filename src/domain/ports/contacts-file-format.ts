import type { ContactSourceRow, ImportProblem } from '../contacts/import-contacts.js';

/** A file's bytes, readable as many times as needed (an import reads it once, its rejected rows once more). */
export interface RereadableBytes {
  open(): AsyncIterable<Uint8Array>;
}

/** A file of the rows an import rejected, to be fixed and imported again. */
export interface RejectedRowsFile {
  /** The file's text (UTF-8). */
  content: string;
  /** Data rows in it (the header excluded). */
  rows: number;
}

/** The contacts file format (CSV): rows for the importer, and the rejected rows written back as a file. */
export interface ContactsFileFormat {
  /** Rows numbered by their line in the file; throws INVALID_INPUT for an empty file or an unusable header. */
  read(bytes: AsyncIterable<Uint8Array>, options?: { encoding?: string }): AsyncIterable<ContactSourceRow>;
  /**
   * The rows of the file at the problems' lines, as written in it, each preceded by its line and
   * reason, under the file's own header: what to fix, in the shape it came in.
   */
  rejectedRows(bytes: AsyncIterable<Uint8Array>, problems: readonly ImportProblem[]): Promise<RejectedRowsFile>;
}
