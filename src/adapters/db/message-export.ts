import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { ExportedFile, MessageExport, MessageExportFilter } from '../../domain/ports/message-export.js';
import { spreadsheetSafe } from '../csv/spreadsheet-safe.js';
import type { SqlPool } from './prisma-client.js';

/**
 * Rows per FETCH from the export's cursor. The next FETCH is sent before a page is written, so the
 * server reads page n+1 while Node formats page n: two pages are in memory at most. Small, so a
 * page is formatted before it survives two scavenges and is promoted to the old generation (at
 * 2,000 rows the exporting process peaked ~20 MB higher, for no gain in speed).
 */
const FETCH_ROWS = 500;
/**
 * Rows per csv-stringify call. Small on purpose: a call's output and its per-field garbage die
 * young. csv-stringify over 10,000 rows at once ran at 54k rows/s, over 100 at 326k (same bytes,
 * same machine), the difference being GC.
 */
const CSV_ROWS = 100;
/** The file stream's buffer: formatting goes on while the disk writes, within this bound. */
const FILE_BUFFER_BYTES = 1 << 20;

/** The fixed columns, in order; the contact's custom fields follow, then the tracking counts. */
const FIXED = [
  'message_id', 'run', 'channel', 'recipient', 'status', 'failure_category', 'failure_reason', 'variant', 'attempts',
  'queued_at', 'sent_at', 'delivered_at', 'updated_at',
] as const;
const COUNTS = ['human_opens', 'human_clicks'] as const;
/** Where the four times are in a row (see the cursor's SELECT list). */
const TIME_COLUMNS = [9, 10, 11, 12] as const;

/** Every value as the server's text: no parsing of ids, counts or times into JS values and back. */
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * A `timestamp(3)` as PostgreSQL writes it with DateStyle ISO (`2026-11-22 10:00:00`, `… 10:00:00.5`)
 * as the export writes times: ISO 8601 UTC with milliseconds (`2026-11-22T10:00:00.500Z`), what
 * `to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` gave at about a third of the server's time per row.
 */
const PG_TIMESTAMP = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,3}))?$/;
function isoTime(text: string): string {
  const m = PG_TIMESTAMP.exec(text);
  if (!m) throw new Error(`export: unexpected timestamp text "${text}"`);
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0')}Z`;
}

/** Converts one time column of a page in place; consecutive equal times (a batch's sent_at) are converted once. */
function convertTimes(rows: (string | null)[][], column: number): void {
  let lastText: string | null = null;
  let lastIso = '';
  for (const row of rows) {
    const text = row[column]!;
    if (text === null) continue;
    if (text !== lastText) {
      lastText = text;
      lastIso = isoTime(text);
    }
    row[column] = lastIso;
  }
}

/**
 * The export read with `pg` directly. One REPEATABLE READ, READ ONLY transaction, so the keys query
 * and every page see the same snapshot while the worker keeps writing; one server-side cursor over
 * the campaign in message id order, read by FETCH, with the human open/click counts aggregated once
 * for the campaign's id range and merge-joined (not counted per message). Rows arrive as arrays of
 * text; csv-stringify writes them in small batches, and the output is written with back-pressure,
 * so memory holds about two pages whatever the campaign's size.
 */
export class PgMessageExport implements MessageExport {
  constructor(
    private readonly pool: SqlPool,
    /** The folder exports are written to (`<HERALD_DATA_DIR>/exports`), created on first use. */
    private readonly folder: string,
  ) {}

  async toFile(filter: MessageExportFilter, fileName: string): Promise<ExportedFile> {
    if (fileName !== path.basename(fileName) || !fileName.endsWith('.csv')) throw new Error(`not an export file name: ${fileName}`);
    await fs.promises.mkdir(this.folder, { recursive: true });
    const file = path.join(this.folder, fileName);
    const partial = `${file}.part`;
    try {
      const { rows, columns } = await this.write(filter, fs.createWriteStream(partial, { highWaterMark: FILE_BUFFER_BYTES }));
      await fs.promises.rename(partial, file);
      const { size } = await fs.promises.stat(file);
      return { path: file, name: fileName, rows, bytes: size, columns };
    } catch (error) {
      await fs.promises.rm(partial, { force: true });
      throw error;
    }
  }

  async write(filter: MessageExportFilter, out: NodeJS.WritableStream): Promise<{ rows: number; columns: readonly string[] }> {
    const params: unknown[] = [filter.campaignId];
    const where = ['m.campaign_id = $1'];
    if (filter.status) where.push(`m.status = $${params.push(filter.status)}::"MessageStatus"`);
    if (filter.category) where.push(`m.failure_category = $${params.push(filter.category)}`);
    if (filter.search) {
      const n = params.push(filter.search);
      where.push(`(strpos(lower(m.recipient), lower($${n})) > 0 OR strpos(lower(coalesce(m.failure_reason, '')), lower($${n})) > 0)`);
    }
    // A failed write ends the read with the stream's error.
    let failed: unknown;
    const onError = (error: unknown) => (failed ??= error);
    out.on('error', onError);
    const client = await this.pool.connect();
    let rows = 0;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // JIT compiling took 1.4 s of the keys query at 1M messages and gains nothing on these
      // plans; DateStyle ISO is the timestamp text isoTime reads, whatever the server's default.
      await client.query(`SET LOCAL jit = off; SET LOCAL DateStyle = 'ISO, MDY'`);
      // The custom fields of the contacts exported, from the same snapshot as the rows.
      const keys = (
        await client.query<{ k: string }>(
          `SELECT DISTINCT k FROM message m JOIN contact c ON c.id = m.contact_id CROSS JOIN LATERAL jsonb_object_keys(c.attributes) AS k WHERE ${where.join(' AND ')} ORDER BY k`,
          params,
        )
      ).rows.map((r) => r.k);
      const taken = new Set<string>([...FIXED, ...COUNTS]);
      const fieldColumns = keys.map((k) => (taken.has(k) ? `contact_${k}` : k));
      const columns = [...FIXED, ...fieldColumns, ...COUNTS];
      const keyParams = keys.map((k) => `c.attributes ->> $${params.push(k)}`);
      // The campaign's id range bounds both the message scan and the hits aggregated (the ledger has
      // no campaign index; hits of other campaigns are never read). Given as values, not as a
      // subquery: planned with unknown bounds, a filtered export's estimate of the hits was so
      // small that it nested-looped over them (45 s for 4,000 rows of 200,000).
      const span = (await client.query<{ lo: string | null; hi: string | null }>('SELECT min(id)::text AS lo, max(id)::text AS hi FROM message WHERE campaign_id = $1', [filter.campaignId])).rows[0]!;
      const lo = `$${params.push(span.lo)}::bigint`;
      const hi = `$${params.push(span.hi)}::bigint`;
      await client.query({
        text: `DECLARE herald_export NO SCROLL CURSOR FOR
          SELECT m.id, r.number, m.channel, m.recipient, m.status, m.failure_category, m.failure_reason, m.variant, m.attempts,
                 m.created_at, m.sent_at, m.delivered_at, m.updated_at
                 ${keyParams.length ? `, ${keyParams.join(', ')}` : ''},
                 coalesce(h.opens, 0), coalesce(h.clicks, 0)
          FROM message m
          JOIN run r ON r.id = m.run_id
          LEFT JOIN contact c ON c.id = m.contact_id
          LEFT JOIN (
            SELECT t.message_id, count(*) FILTER (WHERE t.type = 'open') AS opens, count(*) FILTER (WHERE t.type = 'click') AS clicks
            FROM tracking_event t
            WHERE t.classification = 'human' AND t.message_id BETWEEN ${lo} AND ${hi}
            GROUP BY t.message_id
          ) h ON h.message_id = m.id
          WHERE ${where.join(' AND ')} AND m.id BETWEEN ${lo} AND ${hi}
          ORDER BY m.id`,
        values: params,
      });
      const fetch = () => client.query<(string | null)[]>({ text: `FETCH ${FETCH_ROWS} FROM herald_export`, rowMode: 'array', types: AS_TEXT });
      const options = { columns, cast: { string: spreadsheetSafe } };
      let next = fetch();
      let first = true;
      for (;;) {
        const page = (await next).rows;
        const last = page.length < FETCH_ROWS;
        // The server reads the next page while this one is formatted and written.
        if (!last) next = fetch();
        for (const column of TIME_COLUMNS) convertTimes(page, column);
        // One write per page (about 90 KB): a fifth of the file writes that one per batch cost.
        let text = '';
        for (let i = 0; i < page.length || first; i += CSV_ROWS) {
          // The header goes with the first batch (alone when there are no rows).
          text += stringify(page.slice(i, i + CSV_ROWS), { ...options, header: first });
          first = false;
        }
        if (!out.write(text) && !failed) await once(out as NodeJS.EventEmitter, 'drain');
        if (failed) break;
        rows += page.length;
        if (last) break;
      }
      if (failed) {
        // The FETCH already sent must finish before the transaction can end.
        await next.catch(() => undefined);
        throw failed;
      }
      await client.query('COMMIT');
      out.end();
      await finished(out);
      return { rows, columns };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw failed ?? error;
    } finally {
      out.off('error', onError);
      client.release();
    }
  }
}
