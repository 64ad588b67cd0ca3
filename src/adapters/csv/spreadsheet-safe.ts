import { startsLikeFormula } from '../../domain/text/spreadsheet-formula.js';

/**
 * Every CSV Herald writes passes its cells through here (the rejected-rows file today, exports
 * next): a value a spreadsheet would run as a formula (see spreadsheet-formula.ts) is written
 * behind an apostrophe, which Excel, LibreOffice and Google Sheets read as "this cell is text".
 * Herald stores such values as given; only what it writes is neutralised.
 */
export function spreadsheetSafe(value: string): string {
  return startsLikeFormula(value) ? `'${value}` : value;
}

/** Undoes {@link spreadsheetSafe}, for reading back a file Herald wrote. */
export function fromSpreadsheetSafe(value: string): string {
  return value.startsWith("'") && startsLikeFormula(value.slice(1)) ? value.slice(1) : value;
}
