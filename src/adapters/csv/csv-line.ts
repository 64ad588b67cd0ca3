/** Fields that need quotes in CSV (RFC 4180): a quote, a comma or a line break inside. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV record (RFC 4180, CRLF-terminated) that csv-parse reads back field for field. Values are
 * written as they are: the rejected-rows file must give back exactly what the person's file held,
 * so nothing is prefixed or escaped for spreadsheets beyond CSV's own quoting.
 */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map((f) => (NEEDS_QUOTES.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')}\r\n`;
}
