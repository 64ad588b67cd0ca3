/**
 * Spreadsheet formula injection (CWE-1236, OWASP "CSV Injection"): Excel, LibreOffice and Google
 * Sheets run a cell that starts with `=`, `+`, `-` or `@` as a formula, and one that starts with a
 * tab or a carriage return too (they strip it first). A plain number (`-12.5`, `+33`) starts the
 * same way but is read as a number, so it is not one.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** True when a spreadsheet would run `value` as a formula. */
export function startsLikeFormula(value: string): boolean {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);
}
