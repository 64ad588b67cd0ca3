/**
 * Character encodings a contacts file may be declared in (`contacts import --encoding`), by the
 * names people type, mapped to the WHATWG label TextDecoder takes. As in browsers, Latin-1 and
 * ISO-8859-1 are read as Windows-1252 (a superset for every byte that matters in text files).
 */
export const TEXT_ENCODINGS: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-15': 'iso-8859-15',
  latin9: 'iso-8859-15',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
};

export const DEFAULT_TEXT_ENCODING = 'utf-8';

/** The TextDecoder label for a typed encoding name, or null when Herald does not read it. */
export function textEncoding(name: string): string | null {
  return Object.prototype.hasOwnProperty.call(TEXT_ENCODINGS, name.trim().toLowerCase()) ? TEXT_ENCODINGS[name.trim().toLowerCase()]! : null;
}
