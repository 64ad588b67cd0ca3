import fs from 'node:fs';
import { finished } from 'node:stream';
import { CsvError, parse, type Parser } from 'csv-parse';
import type { ContactSourceRow } from '../../domain/contacts/import-contacts.js';
import { REJECTED_ROW_COLUMNS } from '../../domain/contacts/contact-row.js';
import { AppError } from '../../domain/errors.js';
import { excerpt, shownPath } from '../../domain/text/excerpt.js';
import { invalidCharacter } from '../../domain/text/limits.js';
import { DEFAULT_TEXT_ENCODING } from '../../domain/text/text-encodings.js';
import { decodeToUtf8 } from './decode-to-utf8.js';
import { fromSpreadsheetSafe } from './spreadsheet-safe.js';

/**
 * A record longer than this is not read (its line is reported and reading goes on at the next
 * line). It also bounds memory: an unclosed quote would otherwise swallow the rest of a large file
 * into one field.
 */
export const MAX_RECORD_CHARS = 128_000;
/**
 * Records that cannot be read (a broken quote, a row too long) after which the rest of the file is
 * no longer tried: each one costs a second pass over up to MAX_RECORD_CHARS, so a file of broken
 * quotes stays fast. The lines left are then reported as not read, by number.
 */
export const MAX_UNREADABLE_RECORDS = 100;

export interface ReadCsvOptions {
  /** A TextDecoder label (see domain/text/text-encodings.ts); UTF-8, checked, when absent. */
  encoding?: string;
}

/**
 * Streams a contacts CSV (a path or a stream) with csv-parse: the first non-empty line is the
 * header (names trimmed and lower-cased), then one item per row, numbered by the line the row
 * starts on in the file (the header is line 1 unless blank lines precede it). Memory stays flat:
 * the parser pauses while the consumer works.
 *
 * - The bytes must be in the declared encoding (UTF-8 by default, checked: see decode-to-utf8.ts).
 *   A path is checked whole before the first row is yielded, so a Latin-1 byte on line 50,000
 *   stops the import before anything is written.
 * - A row with too few or too many fields is an `{ line, error }` item; reading goes on.
 * - Rows whose fields are all blank (`,,,` from spreadsheets) are skipped like blank lines.
 * - A stray quote inside a field is kept as text (`relax_quotes`); a quote that is never closed, or
 *   a row over MAX_RECORD_CHARS, is an `{ line, error }` item for the line it starts on, and reading
 *   goes on at the next line (the lines such a quote swallowed are read again). After
 *   MAX_UNREADABLE_RECORDS of them, one last item names the lines not read.
 * - In a file Herald wrote (a rejected-rows file: it has a rejected_line column), the apostrophe
 *   put before formula-like cells is removed again.
 * - Missing file: AppError NOT_FOUND. Empty file, or a header without an email or phone column,
 *   or repeating a column: AppError INVALID_INPUT, thrown before any row is yielded.
 */
export async function* readContactsCsv(input: NodeJS.ReadableStream | string, options: ReadCsvOptions = {}): AsyncGenerator<ContactSourceRow, void, undefined> {
  if (typeof input === 'string' && (options.encoding ?? DEFAULT_TEXT_ENCODING) === 'utf-8') await checkEncoding(input);
  let header: (string | null)[] | null = null;
  let wroteByHerald = false;
  for await (const item of readCsvRecords(input, options)) {
    if ('failure' in item) {
      yield { line: item.line, error: describeCsvError(item.failure, header) };
      continue;
    }
    if ('unreadThrough' in item) {
      const lines = item.unreadThrough > item.line ? `lines ${item.line} to ${item.unreadThrough} were` : `line ${item.line} was`;
      yield { line: item.line, error: `${lines} not read: after ${MAX_UNREADABLE_RECORDS} rows that could not be read (broken quotes?), reading stopped; fix them and import the file again` };
      continue;
    }
    const { line } = item;
    if (!header) {
      header = readHeader(item.fields);
      wroteByHerald = header.includes(REJECTED_ROW_COLUMNS[0]);
      continue;
    }
    const fields = wroteByHerald ? item.fields.map(fromSpreadsheetSafe) : item.fields;
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

/** Reads a file through the UTF-8 check alone, so a bad byte anywhere is found before any row is used. */
async function checkEncoding(path: string): Promise<void> {
  for await (const _chunk of decodeToUtf8(await openFile(path))) {
    // Only the check matters here.
  }
}

/**
 * One record of the file as written (the header included); or a record csv-parse could not read,
 * by the line it starts on (reading goes on at the next line); or, after too many of those, the
 * lines from `line` to `unreadThrough` that were not read.
 */
export type CsvRecord = { line: number; fields: string[] } | { line: number; failure: CsvError } | { line: number; unreadThrough: number };

/**
 * The file's records as csv-parse reads them, each with the line it starts on; blank lines are
 * skipped. Shared by the importer and by the rejected-rows file, so both number lines the same way.
 *
 * Lines are counted here, on the bytes (LF, CRLF or CR each end one line), not taken from
 * csv-parse's counter, which counts a CRLF inside a quoted field as two lines. The bytes from the
 * end of the last good record on are kept (at most a record's worth), so that after a record that
 * cannot be read a fresh parser starts again at the line after the one the record started on.
 */
export async function* readCsvRecords(input: NodeJS.ReadableStream | string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord, void, undefined> {
  const source = typeof input === 'string' ? await openFile(input) : input;
  const bytes = decodeToUtf8(source as AsyncIterable<Uint8Array | string>, options.encoding)[Symbol.asyncIterator]();
  const kept = new KeptBytes();
  // Records are taken from `on_record` rather than from the stream's readable side: a stream that
  // fails drops the records it still buffers, and the rows before a broken quote must survive.
  let parsed: { record: string[]; end: number }[] = [];
  let failure: unknown = null;
  let parser: Parser;
  const startParser = (at: number) => {
    parser?.destroy();
    parsed = [];
    failure = null;
    // A parser given up on (after a record it could not read) must not report into its successor.
    const own: Parser = parse({
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARS,
      // The line breaks KeptBytes counts, given rather than discovered: csv-parse's discovery
      // runs per byte until a record ends, which made a long row cost a second or so.
      record_delimiter: ['\r\n', '\n', '\r'],
      on_record: (record: string[], context) => {
        if (own === parser) parsed.push({ record, end: at + context.bytes });
        return null;
      },
    });
    own.on('error', (error: unknown) => {
      if (own === parser) failure ??= error;
    });
    parser = own;
  };
  // Feeds one chunk (or the end) and waits until it is parsed: the records land in `parsed`.
  const feed = (chunk: Buffer | null) =>
    new Promise<void>((resolve) => {
      const current = parser;
      const done = (error?: unknown) => {
        if (error && current === parser) failure ??= error;
        resolve();
      };
      if (failure) return resolve();
      if (chunk === null) {
        finished(current, { readable: false }, done);
        current.end();
      } else current.write(chunk, done);
    });

  startParser(0);
  let ended = false;
  let unreadable = 0;
  // Where the last record read ended: the next record starts at the next non-blank line after it.
  let recordsEnd = 0;
  try {
    for (;;) {
      for (let item = parsed.shift(); item; item = parsed.shift()) {
        const line = kept.lineOf(kept.skipBlankLines(recordsEnd));
        recordsEnd = item.end;
        kept.dropBefore(recordsEnd);
        yield { line, fields: item.record };
      }
      if (failure) {
        if (!(failure instanceof CsvError)) throw failure;
        const start = kept.skipBlankLines(recordsEnd);
        const line = kept.lineOf(start);
        unreadable++;
        if (unreadable > MAX_UNREADABLE_RECORDS) {
          for (let next = await bytes.next(); !next.done; next = await bytes.next()) kept.countOnly(next.value);
          yield { line, unreadThrough: kept.lastLine() };
          return;
        }
        yield { line, failure };
        // Start again on the line after the record's first line; if that line has not all
        // arrived yet (a row too long), drop bytes until it ends.
        let next = kept.nextLineStart(start);
        while (next === null && !ended) {
          const chunk = await bytes.next();
          if (chunk.done) ended = true;
          else {
            kept.dropBefore(kept.end);
            kept.append(chunk.value);
            next = kept.nextLineStart(Math.max(start, kept.base));
          }
        }
        if (next === null) return;
        recordsEnd = next;
        kept.dropBefore(next);
        startParser(next);
        await feed(kept.rest());
        if (ended) await feed(null);
        continue;
      }
      if (ended) break;
      const chunk = await bytes.next();
      if (chunk.done) {
        ended = true;
        await feed(null);
      } else {
        kept.append(chunk.value);
        await feed(chunk.value);
      }
    }
  } finally {
    // Also runs when the consumer stops early: release the file.
    parser!.destroy();
    await bytes.return?.(undefined);
    destroy(source);
  }
}

/**
 * The bytes from `base` on (absolute offsets in the decoded file), with the line `base` is on;
 * counts line breaks as the importer numbers lines: LF, CRLF and a lone CR each end a line.
 */
class KeptBytes {
  base = 0;
  private baseLine = 1;
  private bytes: Buffer = Buffer.alloc(0);
  private countedLines = 0;

  get end(): number {
    return this.base + this.bytes.length;
  }

  append(chunk: Buffer): void {
    this.bytes = this.bytes.length ? Buffer.concat([this.bytes, chunk]) : chunk;
  }

  rest(): Buffer {
    return this.bytes;
  }

  /** The line the byte at `at` (≥ base) is on. */
  lineOf(at: number): number {
    return this.baseLine + breaks(this.bytes, 0, at - this.base);
  }

  dropBefore(at: number): void {
    const cut = Math.min(Math.max(at - this.base, 0), this.bytes.length);
    this.baseLine += breaks(this.bytes, 0, cut);
    this.bytes = this.bytes.subarray(cut);
    this.base += cut;
  }

  /** The first offset from `at` that is not a line break (blank lines are skipped). */
  skipBlankLines(at: number): number {
    let i = Math.max(at - this.base, 0);
    while (i < this.bytes.length && (this.bytes[i] === 0x0a || this.bytes[i] === 0x0d)) i++;
    return this.base + i;
  }

  /** Where the line after the one holding `at` starts, or null when its end has not arrived. */
  nextLineStart(at: number): number | null {
    for (let i = Math.max(at - this.base, 0); i < this.bytes.length; i++) {
      const b = this.bytes[i];
      if (b === 0x0a) return this.base + i + 1;
      if (b === 0x0d) {
        if (i + 1 >= this.bytes.length) return null;
        return this.base + i + (this.bytes[i + 1] === 0x0a ? 2 : 1);
      }
    }
    return null;
  }

  /** Counts the line breaks of bytes that will not be read (the rest of a file given up). */
  countOnly(chunk: Buffer): void {
    if (!chunk.length) return;
    this.countedLines += breaks(chunk, 0, chunk.length);
    this.lastByte = chunk[chunk.length - 1]!;
  }

  private lastByte: number | null = null;

  /** The last line of the file, once all of it has been kept or counted. */
  lastLine(): number {
    const last = this.lastByte ?? this.bytes[this.bytes.length - 1];
    const trailingBreak = last === 0x0a || last === 0x0d;
    return this.baseLine + breaks(this.bytes, 0, this.bytes.length) + this.countedLines - (trailingBreak ? 1 : 0);
  }
}

/** Line breaks in bytes[from, to): LF, CRLF (one) and a lone CR. */
function breaks(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i];
    if (b === 0x0a) n++;
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) n++;
  }
  return n;
}

async function openFile(path: string): Promise<NodeJS.ReadableStream> {
  try {
    const handle = await fs.promises.open(path, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new AppError('INVALID_INPUT', `${shownPath(path)} is not a file.`, { path });
    }
    return handle.createReadStream();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `File not found: ${shownPath(path)}.`, { path });
    if (code === 'EISDIR') throw new AppError('INVALID_INPUT', `${shownPath(path)} is not a file.`, { path });
    throw error;
  }
}

/** What a column name people write looks like: short, letters, digits, spaces and _ . - only. */
const COLUMN_NAME_SHAPE = /^[\p{L}\p{N} _.-]{1,40}$/u;

function readHeader(fields: string[]): (string | null)[] {
  const names = fields.map((field) => field.trim().toLowerCase() || null);
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === null) return;
    const bad = invalidCharacter(name);
    if (bad) throw new AppError('INVALID_INPUT', `The CSV header (the file's first line) ${bad} of column ${i + 1}: a CSV file is text; is this a binary or UTF-16 file?`, { column: i + 1 });
    if (seen.has(name)) {
      throw new AppError('INVALID_INPUT', `The CSV header repeats the column ${excerpt(name)}; each column name must appear once.`, {
        duplicate: name,
      });
    }
    seen.add(name);
  });
  if (!seen.has('email') && !seen.has('phone')) {
    // The first line of a file that is not a contacts CSV can be anything (a password file, a
    // process environment): names are shown only when they look like column names, and at most 8.
    const all = [...seen];
    const looksLikeHeader = all.every((n) => COLUMN_NAME_SHAPE.test(n));
    const found = !all.length
      ? 'found no named columns'
      : looksLikeHeader
        ? `found: ${all.slice(0, 8).join(', ')}${all.length > 8 ? `, and ${all.length - 8} more` : ''}`
        : `found ${all.length} column${all.length === 1 ? '' : 's'} that do${all.length === 1 ? 'es' : ''} not look like column names: is this a CSV file?`;
    const separator = [';', '\t', '|'].find((c) => fields.some((f) => f.includes(c)));
    const hint = separator ? ` The file seems to be separated by ${JSON.stringify(separator)}: save it as comma-separated CSV.` : '';
    throw new AppError('INVALID_INPUT', `The CSV header has no email or phone column (${found}).${hint}`, {
      missing: 'email or phone column',
    });
  }
  return names;
}

function describeCsvError(error: CsvError, header: (string | null)[] | null): string {
  const index = (error as unknown as { column?: unknown }).column;
  const column = typeof index === 'number' && header ? header[index] : null;
  const where = column ? ` in column ${excerpt(column, 30)}` : '';
  const skipped = 'this line was not read; reading went on at the next line';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quote opened${where} is never closed; ${skipped}`;
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is longer than ${MAX_RECORD_CHARS} characters (a quote that is never closed?); ${skipped}`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return `broken quote${where}; ${skipped}`;
    default:
      return `unreadable CSV (${error.code}); ${skipped}`;
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  const destroyable = stream as NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  destroyable.destroy?.();
}
