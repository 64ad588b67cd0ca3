import { spreadsheetSafe } from './spreadsheet-safe.js';

/** Fields that need quotes in CSV (RFC 4180): a quote, a comma or a line break inside. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV record (RFC 4180, CRLF-terminated) that csv-parse reads back field for field. A value a
 * spreadsheet would run as a formula is written behind an apostrophe (spreadsheet-safe.ts); the
 * importer removes it again when it reads back a file Herald wrote (one with a rejected_line
 * column), so the fixed file imports the values as they first were.
 */
export function csvLine(fields: readonly string[]): string {
  return `${fields
    .map(spreadsheetSafe)
    .map((f) => (NEEDS_QUOTES.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
    .join(',')}\r\n`;
}
