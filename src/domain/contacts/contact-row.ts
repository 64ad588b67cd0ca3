import type { ContactInput } from '../ports/contact-store.js';
import { excerpt } from '../text/excerpt.js';
import { invalidCharacter } from '../text/limits.js';
import { startsLikeFormula } from '../text/spreadsheet-formula.js';

/** `formulaColumns`: attribute columns whose value a spreadsheet would run as a formula (stored as given). */
export type ContactRowResult = { ok: true; contact: ContactInput; formulaColumns: string[] } | { ok: false; line: number; reason: string };

/** Columns with a meaning of their own; every other non-empty column becomes an attribute. */
const TIME_ZONE_COLUMNS = ['timezone', 'time_zone'] as const;
export const RESERVED_COLUMNS: readonly string[] = ['email', 'phone', ...TIME_ZONE_COLUMNS];
/**
 * The columns a rejected-rows file puts before each row (its line and why it was rejected). They
 * are ignored on import, so that file, once fixed, imports as it is without two stray attributes.
 */
export const REJECTED_ROW_COLUMNS = ['rejected_line', 'rejected_reason'] as const;
const IGNORED_COLUMNS: readonly string[] = REJECTED_ROW_COLUMNS;

/**
 * A practical subset of RFC 5322: dot-atom local part (no quoted strings, no comments), a domain of
 * DNS labels with a dot, no IP literals. What mail providers accept and people actually type.
 */
const EMAIL_RE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** E.164: a plus, a country code that does not start with 0, 8 to 15 digits in all. */
const E164_RE = /^\+[1-9][0-9]{7,14}$/;
/** Separators people put in phone numbers, dropped before the E.164 check. */
const PHONE_SEPARATORS_RE = /[\s\-.()]/g;
export const E164_EXAMPLE = '+14155550123';

/** Lower-cased email if valid, else null. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  if (email.length > 254) return null;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return null;
  if (!EMAIL_RE.test(email)) return null;
  // The top-level domain is never all digits (that would be an IP address without brackets).
  return /\.[0-9]+$/.test(email) ? null : email;
}

/** E.164 phone with separators stripped if valid, else null. */
export function normalizePhone(raw: string): string | null {
  const phone = raw.trim().replace(PHONE_SEPARATORS_RE, '');
  return E164_RE.test(phone) ? phone : null;
}

// Valid zones only, so a file full of bad values cannot grow it past the ~600 IANA names.
const zoneCache = new Map<string, string>();

/** The canonical IANA name (`europe/paris` -> `Europe/Paris`), or null if the runtime does not know it. */
export function normalizeTimeZone(raw: string): string | null {
  const zone = raw.trim();
  const cached = zoneCache.get(zone);
  if (cached) return cached;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    zoneCache.set(zone, canonical);
    return canonical;
  } catch {
    return null;
  }
}

/**
 * Checks one CSV record (headers already lower-cased and trimmed) and turns it into a contact.
 * A row needs an email or a phone; every problem in the row is reported, not just the first.
 */
export function validateContactRow(record: Record<string, string>, line: number): ContactRowResult {
  const problems: string[] = [];
  // Checked first and alone: a value that cannot be stored (a NUL, a control character) says so
  // with its column, and nothing else about the row is worth saying.
  for (const [column, value] of Object.entries(record)) {
    const bad = invalidCharacter(value);
    if (bad) problems.push(`column ${excerpt(column, 30)} ${bad}`);
  }
  if (problems.length > 0) return { ok: false, line, reason: problems.join('; ') };
  const rawEmail = (record.email ?? '').trim();
  const rawPhone = (record.phone ?? '').trim();
  const rawZone = TIME_ZONE_COLUMNS.map((c) => (record[c] ?? '').trim()).find((v) => v !== '') ?? '';

  let email: string | null = null;
  if (rawEmail) {
    email = normalizeEmail(rawEmail);
    if (!email) problems.push(`invalid email ${excerpt(rawEmail)}`);
  }
  let phone: string | null = null;
  if (rawPhone) {
    phone = normalizePhone(rawPhone);
    if (!phone) problems.push(`phone ${excerpt(rawPhone)} is not E.164 (expected like ${E164_EXAMPLE})`);
  }
  if (!rawEmail && !rawPhone) problems.push('no email or phone');
  let timeZone: string | null = null;
  if (rawZone) {
    timeZone = normalizeTimeZone(rawZone);
    if (!timeZone) problems.push(`time zone ${excerpt(rawZone)} is not an IANA time zone (expected like Europe/Paris)`);
  }
  if (problems.length > 0) return { ok: false, line, reason: problems.join('; ') };

  // fromEntries defines own properties, so a column named "__proto__" stays an ordinary attribute.
  const attributes: Record<string, string> = Object.fromEntries(
    Object.entries(record)
      .filter(([key]) => key !== '' && !RESERVED_COLUMNS.includes(key) && !IGNORED_COLUMNS.includes(key))
      .map(([key, value]) => [key, value.trim()] as const)
      .filter(([, value]) => value !== ''),
  );
  const formulaColumns = Object.entries(attributes)
    .filter(([, value]) => startsLikeFormula(value))
    .map(([key]) => key);
  return { ok: true, contact: { line, email, phone, attributes, timeZone }, formulaColumns };
}
