/**
 * What Herald accepts from a Slack upload, per use. Limits are stated to people (modal hints,
 * refusals, README) and enforced while downloading: nothing past the limit is read.
 */
export interface FileKind {
  /** What the person uploaded it as, in messages: "contacts file". */
  label: string;
  /** What is expected, in messages: "a CSV file (.csv)". */
  expected: string;
  maxBytes: number;
  /** Slack's `filetype` values accepted (Slack derives them from the name and content). */
  filetypes: readonly string[];
  /** The `mimetype` values accepted (the uploader's system labels them; Windows calls CSV application/vnd.ms-excel). */
  mimetypes: readonly string[];
  /** How to get under the limit, said with a refusal. */
  tooLargeHint?: string;
  /** How to save the file as expected, said with a refusal of its bytes. */
  saveHint?: string;
  /** Whether the file is HTML: for others, a web page where the file should be means Slack refused the download. */
  html: boolean;
}

/** Decimal units, as the Finder and Slack show file sizes. */
const KB = 1_000;
const MB = 1_000_000;

export const FILE_KINDS = {
  /** About a million rows of email, name and a few attributes. */
  contactsCsv: {
    label: 'contacts file',
    expected: 'a CSV file (.csv, comma-separated, UTF-8)',
    maxBytes: 50 * MB,
    filetypes: ['csv'],
    mimetypes: ['text/csv', 'text/plain', 'text/x-csv', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel'],
    tooLargeHint: 'Split it into smaller files and import each one into the same list.',
    saveHint: 'in Excel: File → Save As → "CSV UTF-8"',
    html: false,
  },
  /** Well above what mail clients show unclipped (Gmail clips past ~100 KB), far below what would hurt. */
  templateHtml: {
    label: 'HTML body',
    expected: 'an HTML file (.html, UTF-8)',
    maxBytes: 500 * KB,
    filetypes: ['html'],
    mimetypes: ['text/html'],
    html: true,
  },
  templateText: {
    label: 'plain-text body',
    expected: 'a plain-text file (.txt, UTF-8)',
    maxBytes: 200 * KB,
    filetypes: ['text'],
    mimetypes: ['text/plain'],
    html: false,
  },
} as const satisfies Record<string, FileKind>;

/** "50 MB", "500 KB", "812 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${trim(bytes / MB)} MB`;
  if (bytes >= KB) return `${trim(bytes / KB)} KB`;
  return `${bytes} bytes`;
}

function trim(n: number): string {
  return n >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, '');
}
