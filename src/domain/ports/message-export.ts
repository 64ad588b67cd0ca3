import type { MessageStatus } from '../delivery/message-status.js';

/** Which of a campaign's messages an export holds: all, or those matching `messages`' filters. */
export interface MessageExportFilter {
  campaignId: number;
  status?: MessageStatus;
  /** A failure category (`--reason`). */
  category?: string;
  /** Part of the recipient or of the failure reason, any case (`--search`). */
  search?: string;
}

/** A CSV file an export wrote on Herald's disk. */
export interface ExportedFile {
  /** Absolute path of the file. */
  path: string;
  /** Its file name (`c1042-messages-20261201T223000Z.csv`). */
  name: string;
  /** Data rows (the header line not counted). */
  rows: number;
  bytes: number;
  columns: readonly string[];
}

/**
 * The CSV export of a campaign's messages: one row per message with its recipient, status, failure,
 * variant, times, the contact's custom fields and its human open and click counts. Read as one
 * snapshot (the rows are those of one moment, even while the campaign sends), page by page, and
 * streamed to the file: never the whole table in memory. Cells a spreadsheet would run as a formula
 * are neutralised.
 */
export interface MessageExport {
  /** Writes the CSV of the messages matching `filter` into the exports folder under `fileName`. */
  toFile(filter: MessageExportFilter, fileName: string): Promise<ExportedFile>;
  /** Streams the same CSV into `out` (which is ended); answers the rows and columns written. */
  write(filter: MessageExportFilter, out: NodeJS.WritableStream): Promise<{ rows: number; columns: readonly string[] }>;
}
