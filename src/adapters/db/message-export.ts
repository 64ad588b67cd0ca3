import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { ExportedFile, MessageExport, MessageExportFilter } from '../../domain/ports/message-export.js';
import { spreadsheetSafe } from '../csv/spreadsheet-safe.js';
import type { SqlPool } from './prisma-client.js';

/** Rows read per keyset page: large enough for few round trips, small enough to keep memory flat. */
const PAGE_ROWS = 5_000;

/** The fixed columns, in order; the contact's custom fields follow, then the tracking counts. */
const FIXED = [
  'message_id', 'run', 'channel', 'recipient', 'status', 'failure_category', 'failure_reason', 'variant', 'attempts',
  'queued_at', 'sent_at', 'delivered_at', 'updated_at',
] as const;
const COUNTS = ['human_opens', 'human_clicks'] as const;

const TIME = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The export read with `pg` directly (rows as arrays of text, no per-row object building): one
 * REPEATABLE READ, READ ONLY transaction, so every page sees the same snapshot while the worker
 * keeps writing, and keyset pages on message id. Each page is written through csv-stringify with
 * back-pressure, so memory holds one page whatever the campaign's size.
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
      const { rows, columns } = await this.write(filter, fs.createWriteStream(partial));
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
    const client = await this.pool.connect();
    let rows = 0;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
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
      const keyParams = keys.map((k) => `jsonb_extract_path_text(c.attributes, $${params.push(k)})`);
      const afterParam = params.push('0');
      const sql = `
        SELECT m.id::text, r.number::text, m.channel, m.recipient, m.status::text, m.failure_category, m.failure_reason, m.variant, m.attempts::text,
               to_char(m.created_at, ${TIME}), to_char(m.sent_at, ${TIME}), to_char(m.delivered_at, ${TIME}), to_char(m.updated_at, ${TIME})
               ${keyParams.length ? `, ${keyParams.join(', ')}` : ''},
               coalesce(h.opens, 0)::text, coalesce(h.clicks, 0)::text
        FROM message m
        JOIN run r ON r.id = m.run_id
        LEFT JOIN contact c ON c.id = m.contact_id
        LEFT JOIN LATERAL (
          SELECT count(*) FILTER (WHERE t.type = 'open') AS opens, count(*) FILTER (WHERE t.type = 'click') AS clicks
          FROM tracking_event t WHERE t.message_id = m.id AND t.classification = 'human'
        ) h ON true
        WHERE ${where.join(' AND ')} AND m.id > $${afterParam}::bigint
        ORDER BY m.id LIMIT ${PAGE_ROWS}`;
      const csv = stringify({ header: true, columns, cast: { string: spreadsheetSafe } });
      const written = pipeline(csv, out as NodeJS.WritableStream);
      // A failed write ends the read; the pipeline's rejection is the error given.
      let failed: unknown;
      written.catch((error: unknown) => (failed = error));
      let after = '0';
      for (;;) {
        params[afterParam - 1] = after;
        const page = await client.query<string[]>({ text: sql, values: params, rowMode: 'array' });
        // A page is written at once, then the file is let catch up: memory holds about one page.
        for (const row of page.rows) csv.write(row.map((v) => v ?? ''));
        if (csv.writableNeedDrain && !failed) await Promise.race([once(csv, 'drain'), written.catch(() => undefined)]);
        if (failed) break;
        rows += page.rows.length;
        if (page.rows.length < PAGE_ROWS) break;
        after = page.rows[page.rows.length - 1]![0]!;
      }
      await client.query('COMMIT');
      csv.end();
      await written;
      return { rows, columns };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
