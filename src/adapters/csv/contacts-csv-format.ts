import { Readable } from 'node:stream';
import { REJECTED_ROW_COLUMNS } from '../../domain/contacts/contact-row.js';
import type { ImportProblem } from '../../domain/contacts/import-contacts.js';
import type { ContactsFileFormat, RejectedRowsFile } from '../../domain/ports/contacts-file-format.js';
import { csvLine } from './csv-line.js';
import { readContactsCsv, readCsvRecords } from './read-contacts-csv.js';

/** Contacts files are CSV (csv-parse); see read-contacts-csv.ts for what a row and a line are. */
export const contactsCsvFormat: ContactsFileFormat = {
  read(bytes, options = {}) {
    return readContactsCsv(streamOf(bytes), options);
  },
  rejectedRows(bytes, problems) {
    return rejectedRowsCsv(streamOf(bytes), problems);
  },
};

function streamOf(bytes: AsyncIterable<Uint8Array>): NodeJS.ReadableStream {
  return Readable.from(bytes, { objectMode: false });
}

/**
 * Reads the file again and writes, under its own header, each record whose line has a problem:
 * its line and reason first, then its fields exactly as they were (a row with a wrong number of
 * fields keeps its own count). A problem on a line with no readable record (a quote never closed)
 * gets its line and reason alone. Cells a spreadsheet would run as formulas are written behind an
 * apostrophe (csv-line.ts), and read back without it.
 */
export async function rejectedRowsCsv(source: NodeJS.ReadableStream | string, problems: readonly ImportProblem[]): Promise<RejectedRowsFile> {
  const reasons = new Map(problems.map((p) => [p.line, p.reason]));
  const rows: { line: number; fields: string[] }[] = [];
  let header: string[] | null = null;
  for await (const item of readCsvRecords(source)) {
    const reason = reasons.get(item.line);
    if (!('fields' in item)) {
      if (reason !== undefined) rows.push({ line: item.line, fields: [] });
      continue;
    }
    if (!header) {
      header = item.fields;
      continue;
    }
    if (reason !== undefined) rows.push({ line: item.line, fields: item.fields });
  }
  const found = new Set(rows.map((r) => r.line));
  for (const p of problems) if (!found.has(p.line)) rows.push({ line: p.line, fields: [] });
  rows.sort((a, b) => a.line - b.line);
  const lines = [csvLine([...REJECTED_ROW_COLUMNS, ...(header ?? [])])];
  for (const r of rows) lines.push(csvLine([String(r.line), reasons.get(r.line) ?? '', ...r.fields]));
  return { content: lines.join(''), rows: rows.length };
}
