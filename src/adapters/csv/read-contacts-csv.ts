import fs from 'node:fs';
import { finished } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { ContactSourceRow } from '../../domain/contacts/import-contacts.js';
import { AppError } from '../../domain/errors.js';

/**
 * A record longer than this stops the read. It also bounds memory: an unclosed quote would
 * otherwise swallow the rest of a large file into one field.
 */
export const MAX_RECORD_CHARS = 128_000;

interface ParsedRecord {
  record: string[];
  /** Line the record ends on, and blank lines skipped so far (csv-parse's counters). */
  lines: number;
  emptyLines: number;
}

/**
 * Streams a contacts CSV (a path or a stream) with csv-parse: the first non-empty line is the
 * header (names trimmed and lower-cased), then one item per row, numbered by the line the row
 * starts on in the file (the header is line 1 unless blank lines precede it). Memory stays flat:
 * the parser pauses while the consumer works.
 *
 * - A row with too few or too many fields is an `{ line, error }` item; reading goes on.
 * - Rows whose fields are all blank (`,,,` from spreadsheets) are skipped like blank lines.
 * - A stray quote inside a field is kept as text (`relax_quotes`); a quote that is never closed
 *   (or a row over MAX_RECORD_CHARS) ends the read with one `{ line, error }` item: the rows
 *   before it are still delivered.
 * - Missing file: AppError NOT_FOUND. Empty file, or a header without an email or phone column,
 *   or repeating a column: AppError INVALID_INPUT, thrown before any row is yielded.
 */
export async function* readContactsCsv(input: NodeJS.ReadableStream | string): AsyncGenerator<ContactSourceRow, void, undefined> {
  let header: (string | null)[] | null = null;
  for await (const item of readCsvRecords(input)) {
    if ('failure' in item) {
      yield { line: item.line, error: describeCsvError(item.failure, header) };
      return;
    }
    const { line, fields } = item;
    if (!header) {
      header = readHeader(fields);
      continue;
    }
    if (fields.every((field) => field.trim() === '')) continue;
    if (fields.length !== header.length) {
      yield { line, error: `expected ${header.length} columns, got ${fields.length}` };
      continue;
    }
    const named: [string, string][] = [];
    header.forEach((name, i) => {
      if (name !== null) named.push([name, fields[i] ?? '']);
    });
    yield { line, record: Object.fromEntries(named) };
  }
  if (!header) {
    throw new AppError('INVALID_INPUT', 'The CSV file is empty: expected a header line naming an email and/or phone column.', {
      missing: 'header',
    });
  }
}

/** One record of the file as written (the header included), or the parse error that ended the read. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; failure: CsvError };

/**
 * The file's records as csv-parse reads them, each with the line it starts on; blank lines are
 * skipped (and counted). Shared by the importer and by the rejected-rows file, so both number
 * lines the same way.
 */
export async function* readCsvRecords(input: NodeJS.ReadableStream | string): AsyncGenerator<CsvRecord, void, undefined> {
  const source = typeof input === 'string' ? await openFile(input) : input;
  // Records are taken from `on_record` rather than from the stream's readable side: a stream that
  // fails drops the records it still buffers, and the rows before a broken quote must survive.
  const parsed: ParsedRecord[] = [];
  let failure: unknown = null;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (record: string[], context) => {
      parsed.push({ record, lines: context.lines, emptyLines: context.empty_lines });
      return null;
    },
  });
  parser.on('error', (error: unknown) => {
    failure ??= error;
  });
  // Feeds one chunk (or the end) and waits until it is parsed: the records land in `parsed`.
  const feed = (chunk: string | Buffer | null) =>
    new Promise<void>((resolve) => {
      const done = (error?: unknown) => {
        if (error) failure ??= error;
        resolve();
      };
      if (chunk === null) {
        finished(parser, { readable: false }, done);
        parser.end();
      } else parser.write(chunk, done);
    });

  // End line of the last record and blank lines seen so far: a record starts after both.
  let lastLine = 0;
  let lastEmptyLines = 0;
  const startLine = (emptyLines: number) => lastLine + 1 + (emptyLines - lastEmptyLines);

  const chunks = source[Symbol.asyncIterator]();
  let sourceDone = false;
  try {
    for (;;) {
      for (let item = parsed.shift(); item; item = parsed.shift()) {
        const line = startLine(item.emptyLines);
        lastLine = item.lines;
        lastEmptyLines = item.emptyLines;
        yield { line, fields: item.record };
      }
      if (failure) {
        if (!(failure instanceof CsvError)) throw failure;
        const emptyLines = (failure as unknown as { empty_lines?: number }).empty_lines ?? lastEmptyLines;
        yield { line: startLine(emptyLines), failure };
        return;
      }
      if (sourceDone) break;
      const next = await chunks.next();
      sourceDone = next.done === true;
      await feed(next.done ? null : next.value);
    }
  } finally {
    // Also runs when the consumer stops early: release the file.
    parser.destroy();
    destroy(source);
  }
}

async function openFile(path: string): Promise<NodeJS.ReadableStream> {
  try {
    const handle = await fs.promises.open(path, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new AppError('INVALID_INPUT', `${path} is not a file.`, { path });
    }
    return handle.createReadStream();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `File not found: ${path}`, { path });
    if (code === 'EISDIR') throw new AppError('INVALID_INPUT', `${path} is not a file.`, { path });
    throw error;
  }
}

function readHeader(fields: string[]): (string | null)[] {
  const names = fields.map((field) => field.trim().toLowerCase() || null);
  const seen = new Set<string>();
  for (const name of names) {
    if (name === null) continue;
    if (seen.has(name)) {
      throw new AppError('INVALID_INPUT', `The CSV header repeats the column "${name}"; each column name must appear once.`, {
        duplicate: name,
      });
    }
    seen.add(name);
  }
  if (!seen.has('email') && !seen.has('phone')) {
    const found = [...seen].join(', ') || 'no named columns';
    const separator = [';', '\t', '|'].find((c) => fields.some((f) => f.includes(c)));
    const hint = separator ? ` The file seems to be separated by ${JSON.stringify(separator)}: save it as comma-separated CSV.` : '';
    throw new AppError('INVALID_INPUT', `The CSV header has no email or phone column (found: ${found}).${hint}`, {
      missing: 'email or phone column',
      found: [...seen],
    });
  }
  return names;
}

function describeCsvError(error: CsvError, header: (string | null)[] | null): string {
  const index = (error as unknown as { column?: unknown }).column;
  const column = typeof index === 'number' && header ? header[index] : null;
  const where = column ? ` in column "${column}"` : '';
  const stopped = 'reading stopped here; the rows before this line were read';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quote opened${where} is never closed; ${stopped}`;
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is longer than ${MAX_RECORD_CHARS} characters (a quote that is never closed?); ${stopped}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return `broken quote${where}; ${stopped}`;
    default:
      return `unreadable CSV (${error.message}); ${stopped}`;
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  const destroyable = stream as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  destroyable.destroy?.();
}
